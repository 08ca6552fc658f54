import { VirtualClock } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { IPFRAG_HIGH_THRESH, IPFRAG_TIME, Reassembler, fragmentDatagram, type ReassemblyResult } from '../src/frag.js';
import { internetChecksum } from '../src/wire/checksum.js';
import { IPPROTO_UDP, IPV4_HEADER_LENGTH, Ipv4Packet, emitIpv4Header, isIpv4Error, type Ipv4Repr } from '../src/wire/ipv4.js';

// 10.200.0.1 -> 10.200.0.2, as in the reference topology.
const SRC = 0x0ac80001;
const DST = 0x0ac80002;

/** A UDP-like datagram (protocol 17) with `payloadLength` bytes of a recognisable pattern. */
function datagram(payloadLength: number, fields: Partial<Ipv4Repr> = {}): Uint8Array {
  const repr: Ipv4Repr = {
    source: SRC,
    destination: DST,
    protocol: IPPROTO_UDP,
    ttl: 64,
    tos: 0,
    identification: 0x1234,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
    payloadLength,
    ...fields,
  };
  const bytes = new Uint8Array(IPV4_HEADER_LENGTH + payloadLength);
  emitIpv4Header(repr, bytes);
  for (let i = 0; i < payloadLength; i++) bytes[IPV4_HEADER_LENGTH + i] = (i * 7 + 3) & 0xff;
  return bytes;
}

/** A hand-made fragment: header from `fields`, `length` bytes of data filled with `fill`. */
function fragment(offset: number, length: number, more: boolean, fields: Partial<Ipv4Repr> = {}, fill = 0xaa): Uint8Array {
  const bytes = datagram(length, { fragmentOffset: offset, moreFragments: more, ...fields });
  bytes.fill(fill, IPV4_HEADER_LENGTH);
  return bytes;
}

/** The checked view of bytes that must be a valid IPv4 packet. */
function checked(bytes: Uint8Array): Ipv4Packet {
  const packet = Ipv4Packet.check(bytes);
  if (isIpv4Error(packet)) throw new Error(`not a valid packet: ${packet.kind}`);
  return packet;
}

/** Fragments of a datagram that must fragment. */
function split(packet: Uint8Array, mtu: number): Uint8Array[] {
  const fragments = fragmentDatagram(packet, mtu);
  if (fragments === undefined) throw new Error('expected fragments');
  return fragments;
}

/** `at(xs, i)`, failing the test instead of returning undefined. */
function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
}

/** Bytes as hex, so large buffers compare fast (and show a readable diff). */
function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? 'undefined' : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

/** [reqds, oks, fails, timeouts]. */
function counters(r: Reassembler): [number, number, number, number] {
  return [r.reqds, r.oks, r.fails, r.timeouts];
}

/** Adds every fragment; returns the datagram if exactly the last add completed it. */
function addAll(r: Reassembler, fragments: readonly Uint8Array[]): Uint8Array | undefined {
  let result: ReassemblyResult | undefined;
  for (const [i, f] of fragments.entries()) {
    result = r.add(f);
    if (result.done && i !== fragments.length - 1) throw new Error(`done early, at fragment ${i}`);
  }
  return result?.done === true ? result.datagram : undefined;
}

/** A seeded linear congruential generator (Numerical Recipes constants): 32-bit values. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/** A Fisher–Yates shuffle driven by `next`. */
function shuffled<T>(xs: readonly T[], next: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [at(out, j), at(out, i)];
  }
  return out;
}

/** Sets the TOS byte of a packet and fixes its header checksum. */
function withTos(packet: Uint8Array, tos: number): Uint8Array {
  const out = packet.slice();
  out[1] = tos;
  out[10] = 0;
  out[11] = 0;
  const check = internetChecksum(out, 0, IPV4_HEADER_LENGTH);
  out[10] = check >>> 8;
  out[11] = check & 0xff;
  return out;
}

describe('fragmentDatagram', () => {
  const original = datagram(4000);

  it('MTU 1500: 1480/1480/1040 bytes at 0/1480/2960, MF 1/1/0, valid headers, the bytes of the original', () => {
    const fragments = split(original, 1500);
    const packets = fragments.map(checked);
    expect(packets.map((p) => p.payload.length)).toEqual([1480, 1480, 1040]);
    expect(packets.map((p) => p.fragmentOffset)).toEqual([0, 1480, 2960]);
    expect(packets.map((p) => p.moreFragments)).toEqual([true, true, false]);
    expect(packets.map((p) => p.totalLength)).toEqual([1500, 1500, 1060]);
    expect(fragments.map((f) => f.length)).toEqual([1500, 1500, 1060]);
    for (const p of packets) {
      expect(p.headerLength).toBe(20);
      expect(p.identification).toBe(0x1234);
      expect(p.dontFragment).toBe(false);
      expect([p.source, p.destination, p.protocol, p.ttl, p.tos]).toEqual([SRC, DST, IPPROTO_UDP, 64, 0]);
      expect(hex(p.payload)).toBe(hex(original.subarray(20 + p.fragmentOffset, 20 + p.fragmentOffset + p.payload.length)));
    }
  });

  it('MTU 68: 48-byte pieces, the last takes the rest', () => {
    const packets = split(original, 68).map(checked);
    expect(packets).toHaveLength(84); // 83 × 48 + 16
    expect(packets.slice(0, -1).every((p) => p.payload.length === 48 && p.moreFragments)).toBe(true);
    expect(at(packets, 83).payload.length).toBe(16);
    expect(at(packets, 83).moreFragments).toBe(false);
    expect(packets.map((p) => p.fragmentOffset)).toEqual(packets.map((_, i) => i * 48));
  });

  it('data is a multiple of 8 as large as fits: MTU 1501 still carries 1480', () => {
    expect(split(original, 1501).map((f) => checked(f).payload.length)).toEqual([1480, 1480, 1040]);
  });

  it('DF set: undefined', () => {
    expect(fragmentDatagram(datagram(4000, { dontFragment: true }), 1500)).toBeUndefined();
  });

  it('a header with options, or an MTU with no room for 8 bytes: undefined', () => {
    const withOptions = new Uint8Array(24 + 100);
    withOptions.set(original.subarray(0, 20));
    withOptions[0] = 0x46;
    withOptions[2] = 0;
    withOptions[3] = 124;
    expect(fragmentDatagram(withOptions, 68)).toBeUndefined();
    expect(fragmentDatagram(original, 27)).toBeUndefined();
    expect(split(original, 28).every((f) => f.length <= 28)).toBe(true);
  });

  it('a datagram that fits comes back whole, as a copy', () => {
    const small = datagram(100, { dontFragment: true });
    const out = split(small, 1500);
    expect(out.map(hex)).toEqual([hex(small)]);
    expect(at(out, 0)).not.toBe(small);
  });

  it('bytes after the total length are not data', () => {
    const padded = new Uint8Array(original.length + 6).fill(0xee);
    padded.set(original);
    expect(split(padded, 1500).map(hex)).toEqual(split(original, 1500).map(hex));
  });

  it('headroom 14: each fragment at offset 14 of a buffer 14 bytes longer', () => {
    const plain = split(original, 1500);
    const roomy = fragmentDatagram(original, 1500, 14) ?? [];
    expect(roomy.map((f) => f.length)).toEqual([1514, 1514, 1074]);
    roomy.forEach((f, i) => {
      expect(f.subarray(0, 14)).toEqual(new Uint8Array(14));
      expect(hex(f.subarray(14))).toBe(hex(at(plain, i)));
    });
  });

  it('refragmenting a fragment: offsets added to its own, MF kept on the last piece of a non-final one', () => {
    const [first, middle, last] = split(original, 1500);
    const fromMiddle = split(middle ?? original, 576).map(checked);
    expect(fromMiddle.map((p) => [p.fragmentOffset, p.payload.length, p.moreFragments])).toEqual([
      [1480, 552, true],
      [2032, 552, true],
      [2584, 376, true],
    ]);
    const fromLast = split(last ?? original, 576).map(checked);
    expect(fromLast.map((p) => [p.fragmentOffset, p.payload.length, p.moreFragments])).toEqual([
      [2960, 552, true],
      [3512, 488, false],
    ]);
    // And they still reassemble to the original.
    const r = new Reassembler(new VirtualClock());
    const pieces = [...fromLast, ...fromMiddle].map((p) => p.bytes);
    expect(hex(addAll(r, [...pieces, first ?? original]))).toBe(hex(original));
  });

  it('throws on bytes that are not a checked IPv4 packet', () => {
    expect(() => fragmentDatagram(new Uint8Array(19), 1500)).toThrow(RangeError);
    expect(() => fragmentDatagram(original.subarray(0, 100), 68)).toThrow(RangeError);
    expect(() => fragmentDatagram(original, 1500, -1)).toThrow(RangeError);
  });
});

describe('Reassembler', () => {
  const original = datagram(4000);
  const three = split(original, 1500);
  const [f0, f1, f2] = [at(three, 0), at(three, 1), at(three, 2)];

  it('in order: the original bytes exactly, header and payload; counters; nothing left', () => {
    const clock = new VirtualClock();
    const r = new Reassembler(clock);
    expect(r.add(f0)).toEqual({ done: false });
    expect(r.add(f1)).toEqual({ done: false });
    expect(r.size).toBe(1);
    expect(clock.timers).toBe(1);
    const result = r.add(f2);
    expect(result.done).toBe(true);
    if (!result.done) return;
    expect(hex(result.datagram)).toBe(hex(original));
    const p = checked(result.datagram);
    expect([p.identification, p.moreFragments, p.fragmentOffset, p.totalLength]).toEqual([0x1234, false, 0, 4020]);
    expect(counters(r)).toEqual([3, 1, 0, 0]);
    expect([r.size, r.memory, clock.timers]).toEqual([0, 0, 0]);
  });

  it('in reverse order', () => {
    const clock = new VirtualClock();
    const r = new Reassembler(clock);
    expect(hex(addAll(r, [f2, f1, f0]))).toBe(hex(original));
    expect(counters(r)).toEqual([3, 1, 0, 0]);
    expect(clock.timers).toBe(0);
  });

  it('shuffled (seeded): 84 fragments of MTU 68 in twenty orders', () => {
    const small = split(original, 68);
    const next = lcg(0x5eed);
    for (let round = 0; round < 20; round++) {
      const clock = new VirtualClock();
      const r = new Reassembler(clock);
      expect(hex(addAll(r, shuffled(small, next)))).toBe(hex(original));
      expect(counters(r)).toEqual([84, 1, 0, 0]);
      expect([r.size, r.memory, clock.timers]).toEqual([0, 0, 0]);
    }
  });

  it('a duplicate fragment is ignored', () => {
    const r = new Reassembler(new VirtualClock());
    expect(hex(addAll(r, [f0, f1, f0, f1, f2]))).toBe(hex(original));
    expect(counters(r)).toEqual([5, 1, 0, 0]);
  });

  it('a fragment lying within data already queued is a duplicate too (Linux compares with runs)', () => {
    const r = new Reassembler(new VirtualClock());
    r.add(f0);
    r.add(f1);
    // [1000, 2000) lies within the run [0, 2960) that f0 and f1 made.
    expect(r.add(fragment(1000, 1000, true))).toEqual({ done: false });
    expect(hex(addAll(r, [f2]))).toBe(hex(original));
    expect(counters(r)).toEqual([4, 1, 0, 0]);
  });

  it('an overlapping fragment discards the queue; later fragments of that id start a new one', () => {
    const clock = new VirtualClock();
    const r = new Reassembler(clock);
    r.add(f0);
    // [1472, 1488) straddles the end of f0's data.
    expect(r.add(fragment(1472, 16, true))).toEqual({ done: false });
    expect(counters(r)).toEqual([2, 0, 1, 0]);
    expect([r.size, r.memory, clock.timers]).toEqual([0, 0, 0]);
    expect(r.add(f1)).toEqual({ done: false });
    expect(r.add(f2)).toEqual({ done: false });
    expect(r.size).toBe(1);
    expect(hex(addAll(r, [f0]))).toBe(hex(original));
    expect(counters(r)).toEqual([5, 1, 1, 0]);
    expect(clock.timers).toBe(0);
  });

  it('an overlap in the middle, not past the tail, discards the queue too', () => {
    const r = new Reassembler(new VirtualClock());
    r.add(f0);
    r.add(f2);
    // [1400, 1600) overlaps f0 and lies in the hole after it.
    r.add(fragment(1400, 200, true));
    expect(counters(r)).toEqual([3, 0, 1, 0]);
    expect(r.size).toBe(0);
  });

  it('a final length contradicted, or an empty fragment, discards the queue', () => {
    const r = new Reassembler(new VirtualClock());
    r.add(f2); // final: length 4000
    r.add(fragment(4000, 8, false)); // another final length
    expect(counters(r)).toEqual([2, 0, 1, 0]);
    r.add(f2);
    r.add(fragment(4000, 8, true)); // data beyond the final length
    expect(counters(r)).toEqual([4, 0, 2, 0]);
    r.add(f0);
    r.add(fragment(1480, 0, true)); // no data
    expect(counters(r)).toEqual([6, 0, 3, 0]);
    expect(r.size).toBe(0);
  });

  it('a missing fragment times out after 30 s, not before, with the first fragment for ICMP', () => {
    const clock = new VirtualClock();
    const timedOut: (Uint8Array | undefined)[] = [];
    const r = new Reassembler(clock, IPFRAG_TIME, (first) => timedOut.push(first));
    r.add(f0);
    clock.advance(20_000);
    r.add(f2); // does not restart the timer
    clock.advance(9_999);
    expect(timedOut).toEqual([]);
    expect(r.size).toBe(1);
    expect(counters(r)).toEqual([2, 0, 0, 0]);
    clock.advance(1);
    expect(clock.now).toBe(30_000);
    expect(timedOut.map(hex)).toEqual([hex(f0)]);
    expect(counters(r)).toEqual([2, 0, 1, 1]);
    expect([r.size, r.memory, clock.timers]).toEqual([0, 0, 0]);
    // The late fragment starts a new queue.
    expect(r.add(f1)).toEqual({ done: false });
    expect(r.size).toBe(1);
    r.clear();
  });

  it('a missing first fragment times out with undefined: no ICMP', () => {
    const clock = new VirtualClock();
    const timedOut: (Uint8Array | undefined)[] = [];
    const r = new Reassembler(clock, 30_000, (first) => timedOut.push(first));
    r.add(f1);
    r.add(f2);
    clock.advance(29_999);
    expect(timedOut).toEqual([]);
    clock.advance(1);
    expect(timedOut).toEqual([undefined]);
    expect(counters(r)).toEqual([2, 0, 1, 1]);
    expect(clock.timers).toBe(0);
  });

  it('the timeout is a parameter', () => {
    const clock = new VirtualClock();
    const r = new Reassembler(clock, 5_000);
    r.add(f0);
    clock.advance(4_999);
    expect(r.size).toBe(1);
    clock.advance(1);
    expect(r.size).toBe(0);
    expect(counters(r)).toEqual([1, 0, 1, 1]);
  });

  it('two interleaved datagrams with different ids reassemble independently', () => {
    const clock = new VirtualClock();
    const r = new Reassembler(clock);
    const other = datagram(3000, { identification: 0x1235, ttl: 3 });
    const [g0, g1, g2] = split(other, 1500);
    const order = [f2, g0, f0, g2, f1, g1];
    const results = order.map((f) => r.add(f ?? other));
    expect(results.map((x) => x.done)).toEqual([false, false, false, false, true, true]);
    const [a, b] = results.slice(4).map((x) => (x.done ? x.datagram : undefined));
    expect(hex(a)).toBe(hex(original));
    expect(hex(b)).toBe(hex(other));
    expect(counters(r)).toEqual([6, 2, 0, 0]);
    expect(clock.timers).toBe(0);
  });

  it('the key is source, destination, protocol and identification', () => {
    const r = new Reassembler(new VirtualClock());
    r.add(f0);
    r.add(fragment(1480, 8, false, { source: SRC + 1 }));
    r.add(fragment(1480, 8, false, { destination: DST + 1 }));
    r.add(fragment(1480, 8, false, { protocol: 6 }));
    r.add(fragment(1480, 8, false, { identification: 1 }));
    expect(r.size).toBe(5);
    expect(counters(r)).toEqual([5, 0, 0, 0]);
    r.clear();
  });

  it('a late duplicate after completion starts a new queue, which times out', () => {
    const clock = new VirtualClock();
    const timedOut: (Uint8Array | undefined)[] = [];
    const r = new Reassembler(clock, 30_000, (first) => timedOut.push(first));
    expect(hex(addAll(r, [f0, f1, f2]))).toBe(hex(original));
    r.add(f1);
    clock.advance(30_000);
    expect(timedOut).toEqual([undefined]);
    expect(counters(r)).toEqual([4, 1, 1, 1]);
  });

  it('ECN: CE with ECT fragments gives CE; not-ECT mixed with ECT fails', () => {
    const ect0 = datagram(4000, { tos: 0x02 });
    const [e0, e1, e2] = split(ect0, 1500);
    const r = new Reassembler(new VirtualClock());
    const ce = addAll(r, [e0 ?? ect0, withTos(e1 ?? ect0, 0x03), e2 ?? ect0]);
    expect(ce?.[1]).toBe(0x03);
    expect(hex(checked(ce ?? ect0).payload)).toBe(hex(ect0.subarray(20)));
    expect(addAll(r, [f0, withTos(f1, 0x02), f2])).toBeUndefined();
    expect(counters(r)).toEqual([6, 1, 1, 0]);
    expect(r.size).toBe(0);
  });

  it('DF on the reassembled datagram only when the largest fragment had it', () => {
    const r = new Reassembler(new VirtualClock());
    const withDf = addAll(r, [fragment(0, 1480, true, { dontFragment: true }), fragment(1480, 8, false)]);
    expect(checked(withDf ?? original).dontFragment).toBe(true);
    const withoutDf = addAll(r, [fragment(0, 1480, true), fragment(1480, 8, false, { dontFragment: true })]);
    expect(checked(withoutDf ?? original).dontFragment).toBe(false);
    expect(counters(r)).toEqual([4, 2, 0, 0]);
  });

  it('a datagram longer than 65535 bytes fails', () => {
    const r = new Reassembler(new VirtualClock());
    expect(addAll(r, [fragment(0, 65512, true), fragment(65512, 8, false)])).toBeUndefined();
    expect(counters(r)).toEqual([2, 0, 1, 0]);
    expect(r.size).toBe(0);
  });

  it('over ipfrag_high_thresh (4 MiB) the oldest queue is evicted, counted as a failure', () => {
    const clock = new VirtualClock();
    const r = new Reassembler(clock);
    const big = (id: number): Uint8Array => fragment(0, 65512, true, { identification: id });
    for (let id = 0; id < 64; id++) r.add(big(id)); // 64 × 65532 bytes: just under
    expect(r.memory).toBe(64 * 65532);
    expect(r.memory).toBeLessThanOrEqual(IPFRAG_HIGH_THRESH);
    expect(counters(r)).toEqual([64, 0, 0, 0]);
    r.add(big(64));
    expect(counters(r)).toEqual([65, 0, 1, 0]);
    expect([r.size, r.memory, clock.timers]).toEqual([64, 64 * 65532, 64]);
    // id 1 is still queued; id 0 is gone, so its final fragment starts a new queue.
    expect(r.add(fragment(65512, 3, false, { identification: 1 })).done).toBe(true);
    expect(r.add(fragment(65512, 3, false, { identification: 0 })).done).toBe(false);
    expect(counters(r)).toEqual([67, 1, 1, 0]);
    r.clear();
    expect([r.size, r.memory, clock.timers]).toEqual([0, 0, 0]);
  });

  it('clear() cancels every timer and counts nothing', () => {
    const clock = new VirtualClock();
    const timedOut: (Uint8Array | undefined)[] = [];
    const r = new Reassembler(clock, 30_000, (first) => timedOut.push(first));
    r.add(f0);
    r.add(fragment(0, 8, true, { identification: 9 }));
    expect([r.size, clock.timers]).toEqual([2, 2]);
    r.clear();
    expect([r.size, r.memory, clock.timers]).toEqual([0, 0, 0]);
    clock.advance(60_000);
    expect(timedOut).toEqual([]);
    expect(counters(r)).toEqual([2, 0, 0, 0]);
  });

  it('throws on bytes that are not a checked IPv4 packet, counting the request', () => {
    const r = new Reassembler(new VirtualClock());
    expect(() => r.add(new Uint8Array(10))).toThrow(RangeError);
    expect(() => new Reassembler(new VirtualClock(), -1)).toThrow(RangeError);
  });
});
