/**
 * Template ids are a hash of the template text, so the same template gets the same id in every process, after a
 * restart and even after its cluster was evicted and learnt again. 53-bit cyrb53 (public domain): no crypto
 * needed, collisions are negligible for the bounded number of live templates.
 */
export function templateId(template: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < template.length; i++) {
    const c = template.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return 't' + n.toString(16).padStart(14, '0');
}
