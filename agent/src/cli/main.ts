export async function main(argv: string[]): Promise<number> {
  console.log('flowlens', argv.join(' '));
  return 0;
}
