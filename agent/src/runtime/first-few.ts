/** The first three items, and how many more ("a, b, c and 2 more"): a list in a title or a message stays short. */
export function firstFew(items: readonly string[]): string {
  return items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}
