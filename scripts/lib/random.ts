// Deterministic randomness for generated data (benchmarks): the same seed gives the same data on
// every machine, so figures compare like with like.

/** A seeded PRNG (mulberry32) returning numbers in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The two hex digits of every byte: the digest-heavy generators call {@link hex} millions of times. */
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `length` lowercase hex digits drawn from `random`: eight from each draw, its 32 bits high to low. */
export function hex(random: () => number, length: number): string {
  let s = '';
  while (s.length < length) {
    const n = Math.floor(random() * 0x100000000);
    s += `${BYTE_HEX[n >>> 24]}${BYTE_HEX[(n >>> 16) & 255]}${BYTE_HEX[(n >>> 8) & 255]}${BYTE_HEX[n & 255]}`;
  }
  return s.length === length ? s : s.slice(0, length);
}
