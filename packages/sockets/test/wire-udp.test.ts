import { describe, expect, it } from 'vitest';
import {
  UDP_HEADER_LENGTH,
  UdpDatagram,
  emitUdp,
  isUdpError,
  parseUdp,
  udpBufferLength,
  type UdpError,
  type UdpRepr,
} from '../src/wire/udp.js';

// Golden datagrams of the reference topology: 10.200.0.1 and 10.200.0.2 on a veth pair.
// Each is the UDP part of an IPv4 packet (the IP payload). Every checksum below was
// computed by referenceChecksum (this file) and by a separate Python script, and the
// "hello" one by hand: pseudo-header 0x0ac8 + 0x0001 + 0x0ac8 + 0x0002 + 0x0011 + 0x000d
// = 0x15b1; header 0xb26e + 0x0fa0 + 0x000d = 0xc21b; payload 0x6865 + 0x6c6c + 0x6f00
// = 0x143d1; total 0x21b9d, folded 0x1b9f, complemented 0xe460.

const A = 0x0ac80001; // 10.200.0.1
const B = 0x0ac80002; // 10.200.0.2
const C = 0x0ac80003; // 10.200.0.3

/**
 * A DNS-like query 10.200.0.1:45678 -> 10.200.0.2:4000 with the 5-byte payload "hello":
 * length 13, checksum 0xe460.
 */
const HELLO = new Uint8Array([
  // source port 45678, destination port 4000, length 13, checksum
  0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x0d, 0xe4, 0x60,
  // "hello"
  0x68, 0x65, 0x6c, 0x6c, 0x6f,
]);

/**
 * An empty datagram 10.200.0.1:45678 -> 10.200.0.2:9999, the UDP part of the ipv4
 * package's golden UDP_DATAGRAM: length 8, checksum 0x10ce.
 */
const EMPTY = new Uint8Array([0xb2, 0x6e, 0x27, 0x0f, 0x00, 0x08, 0x10, 0xce]);

/**
 * 10.200.0.1:45678 -> 10.200.0.2:4000 with the 4-byte payload 4b c0 dc 74, whose sum
 * is 0xffff, so its computed checksum is 0 and goes out as 0xffff (RFC 768). Found by
 * the seeded search in the "0 is sent as 0xffff" test below.
 */
const ZERO_SUM = new Uint8Array([
  0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x0c, 0xff, 0xff,
  0x4b, 0xc0, 0xdc, 0x74,
]);

/**
 * RFC 768 by the letter, written apart from the module under test: the pseudo-header
 * (source, destination, zero, protocol 17, UDP length) and the whole datagram as one
 * array of octets, its checksum field read as zero, padded to an even length and summed
 * as 16-bit words with the carry folded back after every word. Returns the complement,
 * which may be 0 (the sender then puts 0xffff on the wire).
 */
function referenceChecksum(source: number, destination: number, datagram: Uint8Array): number {
  const octets: number[] = [];
  for (const address of [source, destination]) {
    octets.push(address >>> 24, (address >>> 16) & 0xff, (address >>> 8) & 0xff, address & 0xff);
  }
  octets.push(0, 17, datagram.length >>> 8, datagram.length & 0xff);
  datagram.forEach((octet, i) => octets.push(i === 6 || i === 7 ? 0 : octet));
  if (octets.length % 2 === 1) octets.push(0);
  let sum = 0;
  for (let i = 0; i < octets.length; i += 2) {
    sum += (octets[i] ?? 0) * 256 + (octets[i + 1] ?? 0);
    if (sum > 0xffff) sum -= 0xffff;
  }
  return 0xffff - sum;
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

/** Sets a datagram's checksum field as a sender would, with the reference implementation. */
function fixChecksum(datagram: Uint8Array, source = A, destination = B): Uint8Array {
  const checksum = referenceChecksum(source, destination, datagram) || 0xffff;
  datagram[6] = checksum >>> 8;
  datagram[7] = checksum & 0xff;
  return datagram;
}

function expectUdp(v: UdpDatagram | UdpError): UdpDatagram {
  if (isUdpError(v)) throw new Error(`expected a datagram, got ${JSON.stringify(v)}`);
  return v;
}

/** Emits `repr` with `payload` into a fresh buffer of exactly the right size. */
function emit(repr: UdpRepr, payload: Uint8Array, source = A, destination = B): Uint8Array {
  const bytes = new Uint8Array(udpBufferLength(repr.payloadLength));
  emitUdp(repr, payload, bytes, 0, source, destination);
  return bytes;
}

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('constants and sizes', () => {
  it('the header is 8 bytes (sizeof(struct udphdr)), and a buffer is header + payload', () => {
    expect(UDP_HEADER_LENGTH).toBe(8);
    expect(udpBufferLength(0)).toBe(8);
    expect(udpBufferLength(5)).toBe(13);
    expect(udpBufferLength(65507)).toBe(65515);
  });
});

describe('the reference checksum', () => {
  it('gives the golden checksums, including the ipv4 fixture one', () => {
    expect(referenceChecksum(A, B, HELLO)).toBe(0xe460);
    expect(referenceChecksum(A, B, EMPTY)).toBe(0x10ce);
    expect(referenceChecksum(A, B, ZERO_SUM)).toBe(0);
  });
});

describe('golden datagram: "hello" 10.200.0.1:45678 -> 10.200.0.2:4000', () => {
  const repr: UdpRepr = { sourcePort: 45678, destinationPort: 4000, payloadLength: 5 };
  const payload = new TextEncoder().encode('hello');

  it('decodes through the checked view, every field', () => {
    const udp = expectUdp(UdpDatagram.check(HELLO, A, B));
    expect(udp.sourcePort).toBe(45678);
    expect(udp.destinationPort).toBe(4000);
    expect(udp.length).toBe(13);
    expect(udp.checksum).toBe(0xe460);
    expect(text(udp.payload)).toBe('hello');
    expect(udp.bytes).toBe(HELLO);
    expect(udp.payload.buffer).toBe(HELLO.buffer);
    expect(udp.payload.byteOffset).toBe(HELLO.byteOffset + 8);
  });

  it('parses into a repr', () => {
    expect(parseUdp(HELLO, A, B)).toEqual(repr);
  });

  it('emits back to the same bytes', () => {
    expect(Array.from(emit(repr, payload))).toEqual(Array.from(HELLO));
  });

  it('emits at an offset with the payload already in place, leaving the rest alone', () => {
    // As the output path builds it: 20 bytes for the IPv4 header, the payload copied in
    // by the socket, then the UDP header emitted in front of it.
    const bytes = new Uint8Array(20 + 13 + 3).fill(0x99);
    bytes.set(payload, 20 + 8);
    emitUdp(repr, undefined, bytes, 20, A, B);
    expect(Array.from(bytes.subarray(0, 20))).toEqual(new Array<number>(20).fill(0x99));
    expect(Array.from(bytes.subarray(20, 33))).toEqual(Array.from(HELLO));
    expect(Array.from(bytes.subarray(33))).toEqual([0x99, 0x99, 0x99]);
  });

  it('emits with a payload that is a view of the same buffer', () => {
    const bytes = new Uint8Array(13);
    bytes.set(payload, 8);
    emitUdp(repr, bytes.subarray(8), bytes, 0, A, B);
    expect(Array.from(bytes)).toEqual(Array.from(HELLO));
  });
});

describe('golden datagram: empty, 10.200.0.1:45678 -> 10.200.0.2:9999', () => {
  const repr: UdpRepr = { sourcePort: 45678, destinationPort: 9999, payloadLength: 0 };

  it('decodes through the checked view, every field', () => {
    const udp = expectUdp(UdpDatagram.check(EMPTY, A, B));
    expect(udp.sourcePort).toBe(45678);
    expect(udp.destinationPort).toBe(9999);
    expect(udp.length).toBe(8);
    expect(udp.checksum).toBe(0x10ce);
    expect(udp.payload.length).toBe(0);
    expect(parseUdp(EMPTY, A, B)).toEqual(repr);
  });

  it('emits back to the same bytes', () => {
    expect(Array.from(emit(repr, new Uint8Array(0)))).toEqual(Array.from(EMPTY));
  });
});

describe('checksum 0 means "not computed" (RFC 768)', () => {
  it('is accepted, and read back as 0', () => {
    const bytes = HELLO.slice();
    bytes[6] = 0;
    bytes[7] = 0;
    const udp = expectUdp(UdpDatagram.check(bytes, A, B));
    expect(udp.checksum).toBe(0);
    expect(text(udp.payload)).toBe('hello');
    expect(parseUdp(bytes, A, B)).toEqual({ sourcePort: 45678, destinationPort: 4000, payloadLength: 5 });
  });

  it('is accepted whatever the payload and addresses, as nothing is verified', () => {
    const bytes = HELLO.slice();
    bytes[6] = 0;
    bytes[7] = 0;
    bytes[12] = 0x21; // "hell!"
    expect(text(expectUdp(UdpDatagram.check(bytes, C, A)).payload)).toBe('hell!');
  });
});

describe('checksum errors', () => {
  it('a corrupted payload byte', () => {
    const bytes = HELLO.slice();
    bytes[12] = 0x21; // "hell!"
    expect(UdpDatagram.check(bytes, A, B)).toEqual({ kind: 'checksum' });
    expect(parseUdp(bytes, A, B)).toEqual({ kind: 'checksum' });
  });

  it('any single flipped bit in the ports, checksum or payload', () => {
    for (const index of [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12]) {
      for (let bit = 0; bit < 8; bit++) {
        const bytes = HELLO.slice();
        bytes[index] = (bytes[index] ?? 0) ^ (1 << bit);
        expect(UdpDatagram.check(bytes, A, B), `byte ${index} bit ${bit}`).toEqual({ kind: 'checksum' });
      }
    }
  });

  it('another address in the pseudo-header', () => {
    expect(UdpDatagram.check(HELLO, A, C)).toEqual({ kind: 'checksum' });
    expect(UdpDatagram.check(HELLO, C, B)).toEqual({ kind: 'checksum' });
    // The sum is commutative: source and destination swapped still verify, as in Linux.
    expect(isUdpError(UdpDatagram.check(HELLO, B, A))).toBe(false);
  });

  it('0xffff on the wire verifies like the 0 it stands for', () => {
    const udp = expectUdp(UdpDatagram.check(ZERO_SUM, A, B));
    expect(udp.checksum).toBe(0xffff);
  });
});

describe('a computed checksum of 0 is sent as 0xffff (RFC 768, CSUM_MANGLED_0)', () => {
  it('finds a payload that sums to 0 with a seeded search, and emits it with 0xffff', () => {
    const next = lcg(0x0dd);
    const candidate = new Uint8Array(12);
    const view = new DataView(candidate.buffer);
    candidate.set([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x0c]);
    let found: Uint8Array | undefined;
    for (let i = 0; i < 1_000_000 && found === undefined; i++) {
      view.setUint32(8, next());
      if (referenceChecksum(A, B, candidate) === 0) found = candidate.subarray(8);
    }
    if (found === undefined) throw new Error('no payload with a zero checksum');
    expect(Array.from(found)).toEqual([0x4b, 0xc0, 0xdc, 0x74]);

    const repr: UdpRepr = { sourcePort: 45678, destinationPort: 4000, payloadLength: 4 };
    const bytes = emit(repr, found);
    expect(Array.from(bytes)).toEqual(Array.from(ZERO_SUM));
    expect(expectUdp(UdpDatagram.check(bytes, A, B)).checksum).toBe(0xffff);
    expect(parseUdp(bytes, A, B)).toEqual(repr);
  });
});

describe('the length field bounds the datagram', () => {
  it('ignores trailing bytes past it, in the payload and in the checksum', () => {
    const padded = new Uint8Array([...HELLO, 0xde, 0xad, 0xbe]);
    const udp = expectUdp(UdpDatagram.check(padded, A, B));
    expect(udp.length).toBe(13);
    expect(udp.bytes.length).toBe(13);
    expect(udp.bytes.buffer).toBe(padded.buffer);
    expect(udp.payload.length).toBe(5);
    expect(text(udp.payload)).toBe('hello');
    expect(parseUdp(padded, A, B)).toEqual({ sourcePort: 45678, destinationPort: 4000, payloadLength: 5 });
  });

  it('ignores them in a view that does not start at its buffer', () => {
    const frame = new Uint8Array([0xaa, 0xaa, ...HELLO, 0xbb]);
    const udp = expectUdp(UdpDatagram.check(frame.subarray(2), A, B));
    expect(udp.payload.byteOffset).toBe(10);
    expect(Array.from(udp.payload)).toEqual(Array.from(HELLO.subarray(8)));
  });

  it('a length of 8 in a longer buffer is an empty payload', () => {
    const bytes = fixChecksum(new Uint8Array([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x08, 0, 0]));
    const padded = new Uint8Array([...bytes, 1, 2, 3, 4]);
    const udp = expectUdp(UdpDatagram.check(padded, A, B));
    expect(udp.payload.length).toBe(0);
    expect(udp.bytes.length).toBe(8);
  });

  it('length: more than the bytes there are ("short packet")', () => {
    const bytes = HELLO.slice();
    bytes[5] = 14;
    expect(UdpDatagram.check(bytes, A, B)).toEqual({ kind: 'length' });
    expect(parseUdp(bytes, A, B)).toEqual({ kind: 'length' });
    bytes[4] = 0xff;
    bytes[5] = 0xff;
    expect(UdpDatagram.check(bytes, A, B)).toEqual({ kind: 'length' });
    expect(UdpDatagram.check(HELLO.subarray(0, 12), A, B)).toEqual({ kind: 'length' });
  });

  it('length: less than the 8-byte header, checked before the checksum', () => {
    for (let length = 0; length < 8; length++) {
      const bytes = HELLO.slice();
      bytes[5] = length;
      expect(UdpDatagram.check(bytes, A, B), `length ${length}`).toEqual({ kind: 'length' });
      expect(parseUdp(bytes, A, B)).toEqual({ kind: 'length' });
      bytes[6] = 0;
      bytes[7] = 0;
      expect(UdpDatagram.check(bytes, A, B)).toEqual({ kind: 'length' });
    }
  });
});

describe('truncated', () => {
  it('fewer than 8 bytes, whatever they hold', () => {
    for (let n = 0; n < 8; n++) {
      expect(UdpDatagram.check(HELLO.subarray(0, n), A, B), `${n} bytes`).toEqual({ kind: 'truncated' });
      expect(parseUdp(HELLO.subarray(0, n), A, B)).toEqual({ kind: 'truncated' });
      expect(UdpDatagram.check(new Uint8Array(n), A, B)).toEqual({ kind: 'truncated' });
    }
  });
});

describe('odd payload lengths', () => {
  it('checksum over the padded last byte, and round trip, for every length 0..41', () => {
    const next = lcg(0x768);
    for (let n = 0; n <= 41; n++) {
      const payload = new Uint8Array(n).map(() => next() & 0xff);
      const repr: UdpRepr = { sourcePort: next() & 0xffff, destinationPort: next() & 0xffff, payloadLength: n };
      const bytes = emit(repr, payload, A, C);
      expect(bytes.length).toBe(8 + n);
      expect((bytes[6] ?? 0) * 256 + (bytes[7] ?? 0), `length ${n}`).toBe(
        referenceChecksum(A, C, bytes) || 0xffff,
      );
      const udp = expectUdp(UdpDatagram.check(bytes, A, C));
      expect(Array.from(udp.payload)).toEqual(Array.from(payload));
      expect(parseUdp(bytes, A, C)).toEqual(repr);
    }
  });

  it('the last byte of an odd payload is the high half of a word', () => {
    // By hand: pseudo-header 0x15a4 + length 9 = 0x15ad; header 0xb26e + 0x0fa0 + 0x0009
    // = 0xc217; payload 0xab00 (not 0x00ab); total 0x182c4, folded 0x82c5, complemented
    // 0x7d3a.
    const repr: UdpRepr = { sourcePort: 45678, destinationPort: 4000, payloadLength: 1 };
    const bytes = emit(repr, new Uint8Array([0xab]));
    expect(Array.from(bytes)).toEqual([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x09, 0x7d, 0x3a, 0xab]);
    expect(referenceChecksum(A, B, bytes)).toBe(0x7d3a);
  });
});

describe('never throws on untrusted bytes', () => {
  it('whatever the bytes, and no accessor of a checked datagram throws', () => {
    const next = lcg(0x11d);
    const kinds = new Set<string>();
    let datagrams = 0;
    for (let i = 0; i < 3000; i++) {
      const size = next() % 40;
      const bytes = new Uint8Array(size).map(() => next() & 0xff);
      const source = next();
      const destination = next();
      if (size >= 8 && i % 2 === 0) {
        // A plausible length field, then (mostly) a checksum that verifies over it.
        const length = next() % (size + 4);
        bytes[4] = length >>> 8;
        bytes[5] = length & 0xff;
        if (length >= 8 && length <= size && i % 3 !== 0) {
          fixChecksum(bytes.subarray(0, length), source, destination);
        }
      }
      const checked = UdpDatagram.check(bytes, source, destination);
      const parsed = parseUdp(bytes, source, destination);
      if (isUdpError(checked)) {
        kinds.add(checked.kind);
        expect(parsed).toEqual(checked);
        continue;
      }
      datagrams++;
      kinds.add('datagram');
      expect(() => [
        checked.sourcePort,
        checked.destinationPort,
        checked.length,
        checked.checksum,
        checked.payload,
        checked.bytes,
      ]).not.toThrow();
      expect(checked.payload.length).toBe(checked.length - 8);
      expect(parsed).toEqual({
        sourcePort: checked.sourcePort,
        destinationPort: checked.destinationPort,
        payloadLength: checked.length - 8,
      });
    }
    expect(datagrams).toBeGreaterThan(100);
    expect([...kinds].sort()).toEqual(['checksum', 'datagram', 'length', 'truncated']);
  });

  it('even with addresses that are not 32-bit integers', () => {
    for (const address of [-1, 2 ** 32, 0.5, Number.NaN]) {
      expect(() => UdpDatagram.check(HELLO, address, B)).not.toThrow();
      expect(() => parseUdp(HELLO, A, address)).not.toThrow();
    }
  });
});

describe('isUdpError', () => {
  it('tells errors from datagrams, reprs and other values', () => {
    expect(isUdpError({ kind: 'truncated' })).toBe(true);
    expect(isUdpError({ kind: 'length' })).toBe(true);
    expect(isUdpError({ kind: 'checksum' })).toBe(true);
    expect(isUdpError(UdpDatagram.check(HELLO, A, B))).toBe(false);
    expect(isUdpError(parseUdp(HELLO, A, B))).toBe(false);
    expect(isUdpError({ kind: 'other' })).toBe(false);
    expect(isUdpError(null)).toBe(false);
    expect(isUdpError('checksum')).toBe(false);
  });
});

describe('emitUdp', () => {
  it('refuses a bad repr, payload, address or buffer, and leaves the buffer untouched', () => {
    const bytes = new Uint8Array(16);
    const ok: UdpRepr = { sourcePort: 1, destinationPort: 2, payloadLength: 5 };
    const payload = new Uint8Array(5);
    const bad: UdpRepr[] = [
      { ...ok, sourcePort: 0x10000 },
      { ...ok, sourcePort: -1 },
      { ...ok, destinationPort: 1.5 },
      { ...ok, destinationPort: Number.NaN },
      { ...ok, payloadLength: -1 },
      { ...ok, payloadLength: 2.5 },
    ];
    for (const repr of bad) {
      expect(() => emitUdp(repr, undefined, bytes, 0, A, B), JSON.stringify(repr)).toThrow(RangeError);
    }
    expect(() => emitUdp(ok, new Uint8Array(4), bytes, 0, A, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, new Uint8Array(6), bytes, 0, A, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, bytes, 0, -1, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, bytes, 0, A, 2 ** 32)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, bytes, 0, 0.5, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, new Uint8Array(12), 0, A, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, bytes, 4, A, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, bytes, -1, A, B)).toThrow(RangeError);
    expect(() => emitUdp(ok, payload, bytes, 0.5, A, B)).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual(new Array<number>(16).fill(0));
  });

  it('takes the largest datagram that fits in an IPv4 packet, and refuses one byte more', () => {
    const repr: UdpRepr = { sourcePort: 45678, destinationPort: 4000, payloadLength: 65535 - 20 - 8 };
    const bytes = emit(repr, new Uint8Array(repr.payloadLength).fill(0xa5));
    expect(bytes.length).toBe(65515);
    expect(parseUdp(bytes, A, B)).toEqual(repr);
    const tooBig: UdpRepr = { ...repr, payloadLength: repr.payloadLength + 1 };
    expect(() => emitUdp(tooBig, undefined, new Uint8Array(70000), 0, A, B)).toThrow(RangeError);
  });

  it('overwrites whatever was in the header, checksum included', () => {
    const bytes = new Uint8Array(13).fill(0xee);
    bytes.set(new TextEncoder().encode('hello'), 8);
    emitUdp({ sourcePort: 45678, destinationPort: 4000, payloadLength: 5 }, undefined, bytes, 0, A, B);
    expect(Array.from(bytes)).toEqual(Array.from(HELLO));
  });
});
