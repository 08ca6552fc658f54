// allocPacketBuffer must behave exactly as new Uint8Array(n): zeroed, private, n long —
// across slab boundaries too — while carving packet-sized buffers from shared slabs.
import { describe, expect, it } from 'vitest';
import { allocPacketBuffer } from '../src/index.js';

describe('allocPacketBuffer', () => {
  it('hands out zeroed, private, non-overlapping buffers across many slabs', () => {
    const held: Uint8Array[] = [];
    for (let i = 0; i < 2_000; i++) {
      const n = 1 + ((i * 37) % 1_500);
      const b = allocPacketBuffer(n);
      expect(b.length).toBe(n);
      expect(b.every((x) => x === 0)).toBe(true);
      b.fill((i % 255) + 1);
      held.push(b);
    }
    // Every buffer still holds only what was written into it.
    held.forEach((b, i) => expect(b.every((x) => x === (i % 255) + 1)).toBe(true));
  });

  it('gives a request larger than 2 KiB a buffer of its own', () => {
    const big = allocPacketBuffer(9_000);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(9_000);
    const small = allocPacketBuffer(64);
    expect(small.buffer.byteLength).toBeGreaterThan(64);
  });
});
