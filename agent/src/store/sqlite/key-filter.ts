/** 2^25 bits (4 MiB): under 0.1 % false positives at a million keys, 10 % at seven million, 20 % at ten. */
const BITS = 2 ** 25;

/**
 * A Bloom filter of 52-bit random keys: "certainly absent" or "maybe present". Ids of new traces and runs are
 * most of the ids looked up while ingesting, and this answers them without a query. The keys are random
 * already, so their low and high bits serve as the two hashes of double hashing (three probes).
 */
export class KeyFilter {
  private readonly words = new Uint32Array(BITS / 32);

  add(key: number): void {
    const lo = key % BITS;
    const hi = Math.floor(key / BITS) % BITS;
    for (let i = 0; i < 3; i++) {
      const bit = (lo + i * hi) % BITS;
      this.words[bit >>> 5]! |= 1 << (bit & 31);
    }
  }

  mayHave(key: number): boolean {
    const lo = key % BITS;
    const hi = Math.floor(key / BITS) % BITS;
    for (let i = 0; i < 3; i++) {
      const bit = (lo + i * hi) % BITS;
      if ((this.words[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}
