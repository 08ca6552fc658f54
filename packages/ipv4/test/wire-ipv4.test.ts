import { describe, expect, it } from 'vitest';
import { internetChecksum, parseIpv4 } from '../src/wire/checksum.js';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPV4_HEADER_LENGTH,
  Ipv4Packet,
  decrementTtl,
  emitIpv4Header,
  fragmentOffsets,
  ipv4BufferLength,
  ipv4Destination,
  ipv4Protocol,
  ipv4Source,
  ipv4Ttl,
  isIpv4Error,
  parseIpv4Header,
  type Ipv4Error,
  type Ipv4Repr,
} from '../src/wire/ipv4.js';
import { ECHO_REQUEST, UDP_DATAGRAM } from './golden-packets.js';

// Golden packets of the reference topology: 10.200.0.1 (02:00:00:00:0a:01) and
// 10.200.0.2 (02:00:00:00:0b:01) on a veth pair. Every checksum below was computed by an
// independent implementation and the ICMP and header ones checked by hand.

/**
 * The reply from 10.200.0.2: Linux's ICMP socket sends without DF
 * (`IP_PMTUDISC_DONT`), with its own id 0xe3b1; TOS copied from the request (0).
 * IP checksum 0x8165, ICMP checksum 0xf6b7.
 */
const ECHO_REPLY = new Uint8Array([
  0x45, 0x00, 0x00, 0x54, 0xe3, 0xb1, 0x00, 0x00, 0x40, 0x01, 0x81, 0x65,
  0x0a, 0xc8, 0x00, 0x02, 0x0a, 0xc8, 0x00, 0x01,
  0x00, 0x00, 0xf6, 0xb7, 0x12, 0x34, 0x00, 0x01,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
  0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
  0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
  0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
]);

/**
 * An IGMPv2 membership report for 224.0.0.251 from 10.200.0.1, as `igmp_send_report()`
 * builds it: IHL 6 for the Router Alert option (94 04 00 00), TOS 0xc0, id 0, DF, TTL 1,
 * protocol 2. IP checksum 0xf853, IGMP checksum 0x0904.
 */
const IGMP_WITH_ROUTER_ALERT = new Uint8Array([
  0x46, 0xc0, 0x00, 0x20, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xf8, 0x53,
  0x0a, 0xc8, 0x00, 0x01, 0xe0, 0x00, 0x00, 0xfb,
  // option: Router Alert (RFC 2113)
  0x94, 0x04, 0x00, 0x00,
  // IGMPv2: membership report, max resp 0, checksum, group 224.0.0.251
  0x16, 0x00, 0x09, 0x04, 0xe0, 0x00, 0x00, 0xfb,
]);

const A = 0x0ac80001; // 10.200.0.1
const B = 0x0ac80002; // 10.200.0.2

const ECHO_REQUEST_REPR: Ipv4Repr = {
  source: A,
  destination: B,
  protocol: IPPROTO_ICMP,
  ttl: 64,
  tos: 0,
  identification: 0x4a6f,
  dontFragment: true,
  moreFragments: false,
  fragmentOffset: 0,
  payloadLength: 64,
};

const ECHO_REPLY_REPR: Ipv4Repr = {
  source: B,
  destination: A,
  protocol: IPPROTO_ICMP,
  ttl: 64,
  tos: 0,
  identification: 0xe3b1,
  dontFragment: false,
  moreFragments: false,
  fragmentOffset: 0,
  payloadLength: 64,
};

const UDP_DATAGRAM_REPR: Ipv4Repr = {
  source: A,
  destination: B,
  protocol: IPPROTO_UDP,
  ttl: 64,
  tos: 0,
  identification: 0x7d21,
  dontFragment: true,
  moreFragments: false,
  fragmentOffset: 0,
  payloadLength: 8,
};

function expectPacket(v: Ipv4Packet | Ipv4Error): Ipv4Packet {
  if (isIpv4Error(v)) throw new Error(`expected a packet, got ${JSON.stringify(v)}`);
  return v;
}

function expectRepr(v: Ipv4Repr | Ipv4Error): Ipv4Repr {
  if (isIpv4Error(v)) throw new Error(`expected a repr, got ${JSON.stringify(v)}`);
  return v;
}

/** parseIpv4 for literals the test knows are valid. */
function ip(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return value;
}

/** A tiny seeded LCG (Numerical Recipes constants): the same values on every run, no Math.random. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // The low bits of an LCG repeat quickly; fold the high half into them.
    return (state ^ (state >>> 16)) >>> 0;
  };
}

/** Writes a 16-bit big-endian value. */
function put16(bytes: Uint8Array, index: number, value: number): void {
  bytes[index] = value >>> 8;
  bytes[index + 1] = value & 0xff;
}

/** Recomputes the header checksum in place, for headers a test altered on purpose. */
function fixChecksum(bytes: Uint8Array): Uint8Array {
  const headerLength = ((bytes[0] ?? 0) & 0x0f) * 4;
  put16(bytes, 10, 0);
  put16(bytes, 10, internetChecksum(bytes, 0, headerLength));
  return bytes;
}

/** Emits a repr and appends the golden payload: the whole packet, as the output path builds it. */
function emitPacket(repr: Ipv4Repr, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(ipv4BufferLength(repr));
  emitIpv4Header(repr, bytes);
  bytes.set(payload, IPV4_HEADER_LENGTH);
  return bytes;
}

/** Reads every accessor, so a test can show none of them throws. */
function readAll(packet: Ipv4Packet): unknown[] {
  return [
    packet.version,
    packet.headerLength,
    packet.tos,
    packet.dscp,
    packet.ecn,
    packet.totalLength,
    packet.identification,
    packet.dontFragment,
    packet.moreFragments,
    packet.fragmentOffset,
    packet.ttl,
    packet.protocol,
    packet.checksum,
    packet.source,
    packet.destination,
    packet.options,
    packet.payload,
    packet.bytes,
  ];
}

describe('constants', () => {
  it('match include/uapi/linux/in.h and ip.h', () => {
    expect(IPV4_HEADER_LENGTH).toBe(20);
    expect(IPPROTO_ICMP).toBe(1);
    expect(IPPROTO_TCP).toBe(6);
    expect(IPPROTO_UDP).toBe(17);
  });
});

describe('golden packet: ICMP echo request (ping default size)', () => {
  it('decodes through the checked view, every field', () => {
    const packet = expectPacket(Ipv4Packet.check(ECHO_REQUEST));
    expect(packet.bytes).toBe(ECHO_REQUEST);
    expect(packet.version).toBe(4);
    expect(packet.headerLength).toBe(20);
    expect(packet.tos).toBe(0);
    expect(packet.dscp).toBe(0);
    expect(packet.ecn).toBe(0);
    expect(packet.totalLength).toBe(84);
    expect(packet.identification).toBe(0x4a6f);
    expect(packet.dontFragment).toBe(true);
    expect(packet.moreFragments).toBe(false);
    expect(packet.fragmentOffset).toBe(0);
    expect(packet.ttl).toBe(64);
    expect(packet.protocol).toBe(IPPROTO_ICMP);
    expect(packet.checksum).toBe(0xdaa7);
    expect(packet.source).toBe(ip('10.200.0.1'));
    expect(packet.destination).toBe(ip('10.200.0.2'));
    expect(packet.options.length).toBe(0);
    expect(packet.payload.length).toBe(64);
    expect(Array.from(packet.payload)).toEqual(Array.from(ECHO_REQUEST.subarray(20)));
  });

  it('decodes through the allocation-free readers', () => {
    expect(ipv4Source(ECHO_REQUEST, 0)).toBe(A);
    expect(ipv4Destination(ECHO_REQUEST, 0)).toBe(B);
    expect(ipv4Protocol(ECHO_REQUEST, 0)).toBe(IPPROTO_ICMP);
    expect(ipv4Ttl(ECHO_REQUEST, 0)).toBe(64);
    expect(ipv4Source(ECHO_REQUEST)).toBe(A);
  });

  it('parses into a repr', () => {
    expect(parseIpv4Header(ECHO_REQUEST)).toEqual(ECHO_REQUEST_REPR);
  });

  it('emits back to the same bytes', () => {
    expect(ipv4BufferLength(ECHO_REQUEST_REPR)).toBe(84);
    const bytes = emitPacket(ECHO_REQUEST_REPR, ECHO_REQUEST.subarray(20));
    expect(Array.from(bytes)).toEqual(Array.from(ECHO_REQUEST));
  });
});

describe('golden packet: ICMP echo reply', () => {
  it('decodes every field', () => {
    const packet = expectPacket(Ipv4Packet.check(ECHO_REPLY));
    expect(packet.totalLength).toBe(84);
    expect(packet.identification).toBe(0xe3b1);
    expect(packet.dontFragment).toBe(false);
    expect(packet.moreFragments).toBe(false);
    expect(packet.fragmentOffset).toBe(0);
    expect(packet.ttl).toBe(64);
    expect(packet.protocol).toBe(IPPROTO_ICMP);
    expect(packet.checksum).toBe(0x8165);
    expect(packet.source).toBe(B);
    expect(packet.destination).toBe(A);
    expect(parseIpv4Header(ECHO_REPLY)).toEqual(ECHO_REPLY_REPR);
  });

  it('emits back to the same bytes', () => {
    const bytes = emitPacket(ECHO_REPLY_REPR, ECHO_REPLY.subarray(20));
    expect(Array.from(bytes)).toEqual(Array.from(ECHO_REPLY));
  });
});

describe('golden packet: empty UDP datagram', () => {
  it('decodes, parses and emits back', () => {
    const packet = expectPacket(Ipv4Packet.check(UDP_DATAGRAM));
    expect(packet.protocol).toBe(IPPROTO_UDP);
    expect(packet.totalLength).toBe(28);
    expect(packet.checksum).toBe(0xa81d);
    expect(Array.from(packet.payload)).toEqual([0xb2, 0x6e, 0x27, 0x0f, 0x00, 0x08, 0x10, 0xce]);
    expect(parseIpv4Header(UDP_DATAGRAM)).toEqual(UDP_DATAGRAM_REPR);
    const bytes = emitPacket(UDP_DATAGRAM_REPR, UDP_DATAGRAM.subarray(20));
    expect(Array.from(bytes)).toEqual(Array.from(UDP_DATAGRAM));
  });
});

describe('golden packet: IGMP report with a Router Alert option', () => {
  it('reads the options and skips them for the payload', () => {
    const packet = expectPacket(Ipv4Packet.check(IGMP_WITH_ROUTER_ALERT));
    expect(packet.headerLength).toBe(24);
    expect(packet.tos).toBe(0xc0);
    expect(packet.dscp).toBe(0x30);
    expect(packet.ecn).toBe(0);
    expect(packet.totalLength).toBe(32);
    expect(packet.identification).toBe(0);
    expect(packet.dontFragment).toBe(true);
    expect(packet.ttl).toBe(1);
    expect(packet.protocol).toBe(2);
    expect(packet.checksum).toBe(0xf853);
    expect(packet.destination).toBe(ip('224.0.0.251'));
    expect(Array.from(packet.options)).toEqual([0x94, 0x04, 0x00, 0x00]);
    expect(Array.from(packet.payload)).toEqual([0x16, 0x00, 0x09, 0x04, 0xe0, 0x00, 0x00, 0xfb]);
  });

  it('parses without the options: the payload length excludes them', () => {
    expect(parseIpv4Header(IGMP_WITH_ROUTER_ALERT)).toEqual({
      source: A,
      destination: ip('224.0.0.251'),
      protocol: 2,
      ttl: 1,
      tos: 0xc0,
      identification: 0,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      payloadLength: 8,
    });
  });
});

describe('Ipv4Packet views', () => {
  it('payload stops at the total length: link-layer padding is not payload', () => {
    const padded = new Uint8Array(60);
    padded.set(UDP_DATAGRAM);
    padded.fill(0xaa, 28);
    const packet = expectPacket(Ipv4Packet.check(padded));
    expect(packet.bytes.length).toBe(60);
    expect(packet.payload.length).toBe(8);
    expect(expectRepr(parseIpv4Header(padded)).payloadLength).toBe(8);
  });

  it('payload is a view: writing it writes the packet bytes', () => {
    const bytes = ECHO_REQUEST.slice();
    const payload = expectPacket(Ipv4Packet.check(bytes)).payload;
    expect(payload.buffer).toBe(bytes.buffer);
    expect(payload.byteOffset).toBe(bytes.byteOffset + 20);
    payload[0] = 0x00;
    expect(bytes[20]).toBe(0x00);
  });

  it('works on a subarray inside an Ethernet frame', () => {
    const frame = new Uint8Array(14 + ECHO_REQUEST.length);
    frame.set(ECHO_REQUEST, 14);
    const packet = expectPacket(Ipv4Packet.check(frame.subarray(14)));
    expect(packet.source).toBe(A);
    expect(packet.payload.byteOffset).toBe(34);
    expect(ipv4Destination(frame, 14)).toBe(B);
    expect(ipv4Protocol(frame, 14)).toBe(IPPROTO_ICMP);
    expect(ipv4Ttl(frame, 14)).toBe(64);
    expect(ipv4Source(frame, 14)).toBe(A);
  });

  it('reads the fragment fields and the top bit of addresses', () => {
    const repr: Ipv4Repr = {
      source: 0xffff_ffff,
      destination: ip('128.0.0.1'),
      protocol: 0xff,
      ttl: 0xff,
      tos: 0xff,
      identification: 0xffff,
      dontFragment: false,
      moreFragments: true,
      fragmentOffset: 65528,
      payloadLength: 0,
    };
    const bytes = new Uint8Array(ipv4BufferLength(repr));
    emitIpv4Header(repr, bytes);
    expect(Array.from(bytes.subarray(0, 10))).toEqual([
      0x45, 0xff, 0x00, 0x14, 0xff, 0xff, 0x3f, 0xff, 0xff, 0xff,
    ]);
    const packet = expectPacket(Ipv4Packet.check(bytes));
    expect(packet.moreFragments).toBe(true);
    expect(packet.dontFragment).toBe(false);
    expect(packet.fragmentOffset).toBe(65528);
    expect(packet.dscp).toBe(0x3f);
    expect(packet.ecn).toBe(3);
    expect(packet.source).toBe(0xffff_ffff);
    expect(packet.destination).toBe(0x80000001);
    expect(packet.payload.length).toBe(0);
    expect(parseIpv4Header(bytes)).toEqual(repr);
  });

  it('unchecked wraps bytes netstage emitted itself, and refuses fewer than 20', () => {
    const bytes = emitPacket(UDP_DATAGRAM_REPR, UDP_DATAGRAM.subarray(20));
    const packet = Ipv4Packet.unchecked(bytes);
    expect(packet.totalLength).toBe(28);
    expect(packet.source).toBe(A);
    expect(() => Ipv4Packet.unchecked(new Uint8Array(19))).toThrow(RangeError);
  });
});

describe('Ipv4Packet.check errors', () => {
  it('truncated: fewer than 20 bytes', () => {
    for (const length of [0, 1, 19]) {
      const bytes = ECHO_REQUEST.slice(0, length);
      expect(Ipv4Packet.check(bytes)).toEqual({ kind: 'truncated', length });
      expect(parseIpv4Header(bytes)).toEqual({ kind: 'truncated', length });
    }
  });

  it('version: anything but 4', () => {
    for (const version of [0, 6, 15]) {
      const bytes = ECHO_REQUEST.slice();
      bytes[0] = (version << 4) | 5;
      fixChecksum(bytes);
      expect(Ipv4Packet.check(bytes)).toEqual({ kind: 'version', version });
      expect(parseIpv4Header(bytes)).toEqual({ kind: 'version', version });
    }
  });

  it('header-length: an IHL below 5', () => {
    for (const ihl of [0, 4]) {
      const bytes = ECHO_REQUEST.slice();
      bytes[0] = 0x40 | ihl;
      expect(Ipv4Packet.check(bytes)).toEqual({
        kind: 'header-length',
        headerLength: ihl * 4,
        length: 84,
      });
    }
  });

  it('header-length: an IHL beyond the bytes there are', () => {
    const bytes = ECHO_REQUEST.slice(0, 20);
    bytes[0] = 0x46;
    expect(Ipv4Packet.check(bytes)).toEqual({ kind: 'header-length', headerLength: 24, length: 20 });
    const max = ECHO_REQUEST.slice(0, 59);
    max[0] = 0x4f;
    expect(parseIpv4Header(max)).toEqual({ kind: 'header-length', headerLength: 60, length: 59 });
  });

  it('checksum: a changed byte, with the checksum it should have had', () => {
    const bytes = ECHO_REQUEST.slice();
    bytes[8] = 63; // TTL 63 without the checksum update
    expect(Ipv4Packet.check(bytes)).toEqual({ kind: 'checksum', checksum: 0xdaa7, expected: 0xdba7 });
    const zeroed = ECHO_REQUEST.slice();
    put16(zeroed, 10, 0);
    expect(parseIpv4Header(zeroed)).toEqual({ kind: 'checksum', checksum: 0, expected: 0xdaa7 });
  });

  it('checksum: covers the options too', () => {
    const bytes = IGMP_WITH_ROUTER_ALERT.slice();
    bytes[22] = 0x01;
    expect(Ipv4Packet.check(bytes)).toEqual({ kind: 'checksum', checksum: 0xf853, expected: 0xf753 });
    // A change past the header does not matter to the header checksum.
    const payload = IGMP_WITH_ROUTER_ALERT.slice();
    payload[31] = 0;
    expect(isIpv4Error(Ipv4Packet.check(payload))).toBe(false);
  });

  it('total-length: more than the bytes there are', () => {
    const bytes = ECHO_REQUEST.slice(0, 60);
    expect(Ipv4Packet.check(bytes)).toEqual({
      kind: 'total-length',
      totalLength: 84,
      headerLength: 20,
      length: 60,
    });
  });

  it('total-length: less than the header length', () => {
    for (const totalLength of [0, 19, 23]) {
      const bytes = IGMP_WITH_ROUTER_ALERT.slice();
      put16(bytes, 2, totalLength);
      fixChecksum(bytes);
      expect(parseIpv4Header(bytes)).toEqual({
        kind: 'total-length',
        totalLength,
        headerLength: 24,
        length: 32,
      });
    }
    // Exactly the header length is a packet with an empty payload.
    const bare = IGMP_WITH_ROUTER_ALERT.slice();
    put16(bare, 2, 24);
    fixChecksum(bare);
    expect(expectPacket(Ipv4Packet.check(bare)).payload.length).toBe(0);
  });

  it("reports the first error in ip_rcv_core()'s order", () => {
    // Version before IHL.
    const both = ECHO_REQUEST.slice();
    both[0] = 0x64;
    expect(Ipv4Packet.check(both)).toEqual({ kind: 'version', version: 6 });
    // Checksum before total length, as Linux (InCsumErrors, not InTruncatedPkts).
    const short = ECHO_REQUEST.slice(0, 40);
    short[8] = 1;
    expect(Ipv4Packet.check(short)).toMatchObject({ kind: 'checksum' });
  });

  it('never throws, whatever the bytes, and no accessor of a checked packet throws', () => {
    const next = lcg(0xdecade);
    let packets = 0;
    for (let i = 0; i < 3000; i++) {
      const length = next() % 80;
      const bytes = new Uint8Array(length).map(() => next() & 0xff);
      // Make most of them plausible so every branch is reached.
      if (length >= 20 && i % 2 === 0) {
        const ihl = 5 + (next() % 3);
        bytes[0] = 0x40 | ihl;
        put16(bytes, 2, next() % 100);
        if (ihl * 4 <= length) fixChecksum(bytes);
      }
      const checked = Ipv4Packet.check(bytes);
      const parsed = parseIpv4Header(bytes);
      expect(isIpv4Error(checked)).toBe(isIpv4Error(parsed));
      if (!isIpv4Error(checked)) {
        packets++;
        expect(() => readAll(checked)).not.toThrow();
        expect(checked.payload.length).toBe(checked.totalLength - checked.headerLength);
      }
    }
    expect(packets).toBeGreaterThan(100);
  });
});

describe('isIpv4Error', () => {
  it('tells errors from packets, reprs and other values', () => {
    expect(isIpv4Error({ kind: 'truncated', length: 3 })).toBe(true);
    expect(isIpv4Error({ kind: 'total-length', totalLength: 1, headerLength: 20, length: 20 })).toBe(true);
    expect(isIpv4Error(expectPacket(Ipv4Packet.check(ECHO_REQUEST)))).toBe(false);
    expect(isIpv4Error(parseIpv4Header(ECHO_REQUEST))).toBe(false);
    expect(isIpv4Error(null)).toBe(false);
    expect(isIpv4Error('checksum')).toBe(false);
    expect(isIpv4Error({ kind: 'echo-request' })).toBe(false);
  });
});

describe('the allocation-free readers', () => {
  it('refuse a buffer too short for a header at that offset', () => {
    const short = new Uint8Array(19);
    expect(() => ipv4Source(short, 0)).toThrow(RangeError);
    expect(() => ipv4Destination(short, 0)).toThrow(RangeError);
    expect(() => ipv4Protocol(short, 0)).toThrow(RangeError);
    expect(() => ipv4Ttl(short, 0)).toThrow(RangeError);
    expect(() => ipv4Source(ECHO_REQUEST, 65)).toThrow(RangeError);
    expect(() => ipv4Ttl(ECHO_REQUEST, -1)).toThrow(RangeError);
  });
});

describe('decrementTtl', () => {
  it('updates the golden header as ip_decrease_ttl does', () => {
    const bytes = ECHO_REQUEST.slice();
    expect(decrementTtl(bytes, 0)).toBe(63);
    expect(bytes[8]).toBe(63);
    expect(bytes[10]).toBe(0xdb);
    expect(bytes[11]).toBe(0xa7);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
    expect(Array.from(bytes.subarray(20))).toEqual(Array.from(ECHO_REQUEST.subarray(20)));
    expect(expectPacket(Ipv4Packet.check(bytes)).ttl).toBe(63);
  });

  it('works at an offset, touching only TTL and checksum', () => {
    const frame = new Uint8Array(14 + ECHO_REQUEST.length).fill(0x77);
    frame.set(ECHO_REQUEST, 14);
    const before = frame.slice();
    expect(decrementTtl(frame, 14)).toBe(63);
    const changed: number[] = [];
    for (let i = 0; i < frame.length; i++) if (frame[i] !== before[i]) changed.push(i);
    expect(changed).toEqual([14 + 8, 14 + 10]);
    expect(internetChecksum(frame, 14, 20)).toBe(0);
  });

  it('keeps random seeded headers valid, equal to a fresh checksum, at every step down to 0', () => {
    const next = lcg(20240601);
    const failures: string[] = [];
    let steps = 0;
    let carries = 0;
    for (let n = 0; n < 300; n++) {
      const ihl = 5 + (next() % 11);
      const header = new Uint8Array(ihl * 4).map(() => next() & 0xff);
      header[0] = 0x40 | ihl;
      header[8] = 1 + (next() % 255);
      fixChecksum(header);
      for (let ttl = header[8] ?? 0; ttl > 0; ttl--) {
        if ((header[10] ?? 0) === 0xff) carries++;
        const returned = decrementTtl(header, 0);
        steps++;
        const recomputed = fixChecksum(header.slice());
        if (
          returned !== ttl - 1 ||
          header[8] !== ttl - 1 ||
          internetChecksum(header, 0, header.length) !== 0 ||
          header[10] !== recomputed[10] ||
          header[11] !== recomputed[11]
        ) {
          failures.push(`header ${n}, ttl ${ttl}: ${Array.from(header).join(',')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(steps).toBeGreaterThan(10_000);
    // The end-around carry (a checksum of 0xffxx before the step) was exercised.
    expect(carries).toBeGreaterThan(10);
  });

  /** A header whose checksum is `checksum`: the last word of the destination balances it. */
  function headerWithChecksum(checksum: number): Uint8Array {
    const bytes = ECHO_REQUEST.slice(0, 20);
    put16(bytes, 18, 0);
    put16(bytes, 10, 0);
    // The sum the header must have is ~checksum; add the difference in one's complement.
    const partial = 0xffff - internetChecksum(bytes, 0, 20); // the sum so far, 1..0xffff
    const target = ~checksum & 0xffff;
    const balance = target >= partial ? target - partial : target + 0xffff - partial;
    put16(bytes, 18, balance);
    put16(bytes, 10, checksum);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
    return bytes;
  }

  it('folds the carry: 0xff80 + 0x0100 becomes 0x0081', () => {
    const bytes = headerWithChecksum(0xff80);
    decrementTtl(bytes, 0);
    expect((bytes[10] ?? 0) * 256 + (bytes[11] ?? 0)).toBe(0x0081);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
  });

  it('gives 0x0000, not 0xffff, when the sum lands on zero (check >= 0xFFFF)', () => {
    const bytes = headerWithChecksum(0xfeff);
    decrementTtl(bytes, 0);
    expect((bytes[10] ?? 0) * 256 + (bytes[11] ?? 0)).toBe(0x0000);
    expect(internetChecksum(bytes, 0, 20)).toBe(0);
    expect(Array.from(fixChecksum(bytes.slice()).subarray(10, 12))).toEqual([0, 0]);
  });

  it('refuses a TTL of 0 and a short buffer, leaving the bytes alone', () => {
    const bytes = ECHO_REQUEST.slice();
    bytes[8] = 0;
    fixChecksum(bytes);
    const before = Array.from(bytes);
    expect(() => decrementTtl(bytes, 0)).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual(before);
    expect(() => decrementTtl(new Uint8Array(19), 0)).toThrow(RangeError);
    expect(() => decrementTtl(ECHO_REQUEST.slice(), 65)).toThrow(RangeError);
  });
});

describe('emitIpv4Header', () => {
  it('emits at an offset, leaving the rest of the buffer alone', () => {
    const bytes = new Uint8Array(14 + 28).fill(0x99);
    emitIpv4Header(UDP_DATAGRAM_REPR, bytes, 14);
    expect(Array.from(bytes.subarray(0, 14))).toEqual(new Array<number>(14).fill(0x99));
    expect(Array.from(bytes.subarray(14, 34))).toEqual(Array.from(UDP_DATAGRAM.subarray(0, 20)));
    expect(Array.from(bytes.subarray(34))).toEqual(new Array<number>(8).fill(0x99));
  });

  it('refuses a bad repr or a short buffer, and leaves the buffer untouched', () => {
    const bytes = new Uint8Array(20);
    const bad: Ipv4Repr[] = [
      { ...UDP_DATAGRAM_REPR, source: 2 ** 32 },
      { ...UDP_DATAGRAM_REPR, destination: -1 },
      { ...UDP_DATAGRAM_REPR, protocol: 256 },
      { ...UDP_DATAGRAM_REPR, ttl: 256 },
      { ...UDP_DATAGRAM_REPR, ttl: 1.5 },
      { ...UDP_DATAGRAM_REPR, tos: -1 },
      { ...UDP_DATAGRAM_REPR, identification: 0x10000 },
      { ...UDP_DATAGRAM_REPR, fragmentOffset: 4 },
      { ...UDP_DATAGRAM_REPR, fragmentOffset: 65536 },
      { ...UDP_DATAGRAM_REPR, fragmentOffset: -8 },
      { ...UDP_DATAGRAM_REPR, payloadLength: 65516 },
      { ...UDP_DATAGRAM_REPR, payloadLength: -1 },
    ];
    for (const repr of bad) expect(() => emitIpv4Header(repr, bytes), JSON.stringify(repr)).toThrow(RangeError);
    expect(() => emitIpv4Header(UDP_DATAGRAM_REPR, new Uint8Array(19))).toThrow(RangeError);
    expect(() => emitIpv4Header(UDP_DATAGRAM_REPR, bytes, 1)).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual(new Array<number>(20).fill(0));
  });

  it('takes the largest total length, 65535', () => {
    const repr: Ipv4Repr = { ...UDP_DATAGRAM_REPR, payloadLength: 65515 };
    const bytes = new Uint8Array(ipv4BufferLength(repr));
    emitIpv4Header(repr, bytes);
    expect(expectPacket(Ipv4Packet.check(bytes)).totalLength).toBe(65535);
  });
});

describe('fragmentOffsets', () => {
  it('splits 4000 bytes at MTU 1500 as Linux does', () => {
    expect(fragmentOffsets(4000, 1500)).toEqual([
      [0, 1480],
      [1480, 1480],
      [2960, 1040],
    ]);
  });

  it('gives 48-byte fragments at the minimum MTU of 68', () => {
    const pieces = fragmentOffsets(200, 68);
    expect(pieces).toEqual([
      [0, 48],
      [48, 48],
      [96, 48],
      [144, 48],
      [192, 8],
    ]);
  });

  it('gives one piece when the payload fits, exactly or with room', () => {
    expect(fragmentOffsets(1000, 1500)).toEqual([[0, 1000]]);
    expect(fragmentOffsets(1480, 1500)).toEqual([[0, 1480]]);
    expect(fragmentOffsets(0, 68)).toEqual([[0, 0]]);
    expect(fragmentOffsets(1481, 1500)).toEqual([
      [0, 1480],
      [1480, 1],
    ]);
  });

  it('rounds the room down to a multiple of 8 beside a header with options', () => {
    // 1500 - 24 = 1476 bytes of room, 1472 of them usable.
    expect(fragmentOffsets(3000, 1500, 24)).toEqual([
      [0, 1472],
      [1472, 1472],
      [2944, 56],
    ]);
    // An MTU that is not a multiple of 8 plus the header.
    expect(fragmentOffsets(100, 70)).toEqual([
      [0, 48],
      [48, 48],
      [96, 4],
    ]);
  });

  it('covers the payload exactly, with 8-byte aligned offsets, for many sizes', () => {
    for (const mtu of [68, 69, 75, 576, 1280, 1500, 9000]) {
      for (const payloadLength of [0, 1, 7, 8, 47, 48, 49, 1000, 1479, 1480, 1481, 8972, 20000]) {
        const pieces = fragmentOffsets(payloadLength, mtu);
        let expectedOffset = 0;
        pieces.forEach(([offset, length], i) => {
          expect(offset).toBe(expectedOffset);
          expect(offset % 8).toBe(0);
          expect(20 + length).toBeLessThanOrEqual(mtu);
          if (i < pieces.length - 1) expect(length % 8).toBe(0);
          expectedOffset += length;
        });
        expect(expectedOffset).toBe(payloadLength);
      }
    }
  });

  it('gives fragments that emit and check as a sender would build them', () => {
    const pieces = fragmentOffsets(4000, 1500);
    pieces.forEach(([offset, length], i) => {
      const repr: Ipv4Repr = {
        ...UDP_DATAGRAM_REPR,
        dontFragment: false,
        moreFragments: i < pieces.length - 1,
        fragmentOffset: offset,
        payloadLength: length,
      };
      const bytes = new Uint8Array(ipv4BufferLength(repr));
      expect(bytes.length).toBeLessThanOrEqual(1500);
      emitIpv4Header(repr, bytes);
      const packet = expectPacket(Ipv4Packet.check(bytes));
      expect(packet.fragmentOffset).toBe(offset);
      expect(packet.moreFragments).toBe(i < pieces.length - 1);
    });
  });

  it('refuses arguments no output path passes', () => {
    expect(() => fragmentOffsets(100, 27)).toThrow(RangeError);
    expect(() => fragmentOffsets(100, 60, 60)).toThrow(RangeError);
    expect(() => fragmentOffsets(-1, 1500)).toThrow(RangeError);
    expect(() => fragmentOffsets(1.5, 1500)).toThrow(RangeError);
    expect(() => fragmentOffsets(100, 1500.5)).toThrow(RangeError);
    expect(() => fragmentOffsets(100, 1500, 22)).toThrow(RangeError);
    expect(() => fragmentOffsets(100, 1500, 16)).toThrow(RangeError);
    expect(() => fragmentOffsets(100, 1500, 64)).toThrow(RangeError);
    // A tiny MTU is fine while the payload fits.
    expect(fragmentOffsets(4, 27)).toEqual([[0, 4]]);
  });
});
