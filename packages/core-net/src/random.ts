/**
 * Seeded randomness: the kernel's only source of "random" numbers (MAC addresses,
 * ephemeral ports, ISNs, fault injection), so that two runs with one seed agree.
 *
 * @module
 */

/**
 * A seeded pseudo-random generator (xoshiro128**, state expanded from the seed with
 * SplitMix32). Not cryptographic; fast, small and reproducible.
 *
 * @remarks
 * Linux draws from `get_random_bytes()`; netstage draws from one `Prng` per kernel so a
 * seed fixes every choice the kernel makes.
 *
 * @example
 * ```ts
 * import { Prng } from '@netstage/core-net';
 * const a = new Prng(42);
 * const b = new Prng(42);
 * a.nextU32() === b.nextU32(); // true
 * a.nextInt(6);                // an integer in [0, 6)
 * ```
 */
export class Prng {
  // The four state words in a typed array: an unsigned 32-bit word above 2^31 would be
  // boxed as a heap number in a plain field, an allocation per draw.
  readonly #s = new Uint32Array(4);

  /** @param seed - any integer; only its low 32 bits are used. */
  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const s = this.#s;
    s[0] = next();
    s[1] = next();
    s[2] = next();
    s[3] = next();
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /** The next unsigned 32-bit value. */
  nextU32(): number {
    const s = this.#s;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = (s[2] as number) ^ s0;
    const s3 = (s[3] as number) ^ s1;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    s[1] = s1 ^ s2;
    s[0] = s0 ^ s3;
    s[2] = s2 ^ (s1 << 9);
    s[3] = rotl(s3 >>> 0, 11);
    return result;
  }

  /**
   * A uniformly distributed integer in `[0, bound)`.
   *
   * @throws RangeError unless `bound` is an integer in `[1, 2^32]`.
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x1_0000_0000) {
      throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${bound}`);
    }
    // Rejection sampling keeps the distribution exact.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound);
    for (;;) {
      const v = this.nextU32();
      if (v < limit) return v % bound;
    }
  }

  /** A float in `[0, 1)` with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Fill `bytes` with random bytes and return it. */
  fill(bytes: Uint8Array): Uint8Array {
    for (let i = 0; i < bytes.length; i += 4) {
      let v = this.nextU32();
      for (let k = 0; k < 4 && i + k < bytes.length; k++) {
        bytes[i + k] = v & 0xff;
        v >>>= 8;
      }
    }
    return bytes;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
