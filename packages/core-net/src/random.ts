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
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

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
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** The next unsigned 32-bit value. */
  nextU32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    this.#s2 >>>= 0;
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
