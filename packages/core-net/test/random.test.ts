import { describe, expect, it } from 'vitest';
import { Prng } from '../src/index.js';

function u32s(p: Prng, n: number): number[] {
  return Array.from({ length: n }, () => p.nextU32());
}

describe('Prng', () => {
  it('one seed gives one sequence', () => {
    expect(u32s(new Prng(42), 64)).toEqual(u32s(new Prng(42), 64));
    expect(u32s(new Prng(0), 16)).toEqual(u32s(new Prng(0), 16));
  });

  it('different seeds give different sequences', () => {
    const seqs = [0, 1, 2, 42, 0xffffffff, 123456789].map((s) => u32s(new Prng(s), 8).join(','));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('uses only the low 32 bits of the seed', () => {
    expect(u32s(new Prng(2 ** 32 + 5), 8)).toEqual(u32s(new Prng(5), 8));
    expect(u32s(new Prng(-1), 8)).toEqual(u32s(new Prng(0xffffffff), 8));
  });

  it('nextU32 gives unsigned 32-bit integers that vary', () => {
    const p = new Prng(7);
    const values = u32s(p, 1000);
    for (const v of values) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
    }
    expect(new Set(values).size).toBeGreaterThan(990);
    // Both halves of the range are reached (the top bit is not stuck).
    expect(values.some((v) => v >= 2 ** 31)).toBe(true);
    expect(values.some((v) => v < 2 ** 31)).toBe(true);
  });

  it('nextInt stays in [0, bound) and reaches every value of a small bound', () => {
    const p = new Prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 600; i++) {
      const v = p.nextInt(6);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('nextInt(1) is always 0; nextInt(2**32) is a full 32-bit value', () => {
    const p = new Prng(9);
    for (let i = 0; i < 20; i++) expect(p.nextInt(1)).toBe(0);
    const big = Array.from({ length: 50 }, () => p.nextInt(2 ** 32));
    for (const v of big) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(2 ** 32);
    }
    expect(big.some((v) => v >= 2 ** 31)).toBe(true);
  });

  it('nextInt is uniform even when the bound does not divide 2**32', () => {
    // With bound 3 * 2**30, a plain `u32 % bound` would land in [0, 2**30) half of the
    // time instead of a third.
    const p = new Prng(2024);
    const bound = 3 * 2 ** 30;
    let low = 0;
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const v = p.nextInt(bound);
      expect(v).toBeLessThan(bound);
      if (v < 2 ** 30) low++;
    }
    expect(low / n).toBeGreaterThan(0.28);
    expect(low / n).toBeLessThan(0.39);
  });

  it('nextInt is deterministic per seed', () => {
    const a = new Prng(11);
    const b = new Prng(11);
    const xs = Array.from({ length: 50 }, () => a.nextInt(1000));
    const ys = Array.from({ length: 50 }, () => b.nextInt(1000));
    expect(xs).toEqual(ys);
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 32 + 1, Number.POSITIVE_INFINITY])('nextInt(%s) throws RangeError', (bound) => {
    const p = new Prng(1);
    expect(() => p.nextInt(bound)).toThrow(RangeError);
  });

  it('nextFloat is in [0, 1) and deterministic', () => {
    const p = new Prng(5);
    const xs = Array.from({ length: 1000 }, () => p.nextFloat());
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(xs.some((x) => x < 0.5)).toBe(true);
    expect(xs.some((x) => x >= 0.5)).toBe(true);
    const q = new Prng(5);
    expect(Array.from({ length: 1000 }, () => q.nextFloat())).toEqual(xs);
  });

  it.each([1, 3, 5, 7, 9, 13, 33])('fill writes every byte of a %i-byte array, deterministically', (n) => {
    // Two arrays with different prior contents come out equal only if every byte is written.
    const zeros = new Uint8Array(n).fill(0x00);
    const ones = new Uint8Array(n).fill(0xff);
    const r1 = new Prng(1234).fill(zeros);
    const r2 = new Prng(1234).fill(ones);
    expect(r1).toBe(zeros); // fills in place and returns its argument
    expect(r2).toBe(ones);
    expect([...zeros]).toEqual([...ones]);
    // Another seed gives other bytes (for these lengths, some byte differs).
    const other = new Prng(4321).fill(new Uint8Array(n));
    if (n >= 3) expect([...other]).not.toEqual([...zeros]);
  });

  it('fill of an empty array returns it', () => {
    const empty = new Uint8Array(0);
    expect(new Prng(77).fill(empty)).toBe(empty);
    expect(empty.length).toBe(0);
  });
});
