import { describe, expect, it } from 'vitest';
import { Prng } from '@netstage/core-net';
import {
  ipv4HeaderChecksum,
  IPV4_BROADCAST,
  checksumAccumulate,
  internetChecksum,
  ipv4ToString,
  isLoopbackIpv4,
  isMulticastIpv4,
  parseIpv4,
  prefixMask,
  readIpv4,
  writeIpv4,
} from '../src/wire/checksum.js';

/** RFC 1071 §3's numerical example: these words sum to 0xddf2; the checksum is 0x220d. */
const RFC1071_BYTES = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);

/**
 * The IPv4 header of ping's default echo request 10.200.0.1 -> 10.200.0.2 (total length
 * 84, id 0x4a6f, DF, TTL 64, ICMP). Its checksum, 0xdaa7, was computed by an independent
 * implementation and checked by hand: the words sum to 0x12557, folded 0x2558.
 */
const ECHO_REQUEST_IP_HEADER = new Uint8Array([
  0x45, 0x00, 0x00, 0x54, 0x4a, 0x6f, 0x40, 0x00, 0x40, 0x01, 0xda, 0xa7,
  0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc8, 0x00, 0x02,
]);

/** A tiny seeded LCG (Numerical Recipes constants): the same values on every run, no Math.random. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // The low bits of an LCG repeat quickly; fold the high half into them.
    return (state ^ (state >>> 16)) >>> 0;
  };
}

/**
 * An independent reference: RFC 1071's algorithm as written, on a copy padded to an even
 * length, with BigInt so nothing can overflow.
 */
function referenceChecksum(data: readonly number[]): number {
  const padded = data.length % 2 === 0 ? [...data] : [...data, 0];
  let sum = 0n;
  for (let i = 0; i < padded.length; i += 2) {
    sum += BigInt(((padded[i] ?? 0) << 8) | (padded[i + 1] ?? 0));
  }
  while (sum > 0xffffn) sum = (sum & 0xffffn) + (sum >> 16n);
  return Number(~sum & 0xffffn);
}

/** parseIpv4 for literals the test knows are valid. */
function ip(text: string): number {
  const value = parseIpv4(text);
  if (value === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return value;
}

describe('internetChecksum and checksumAccumulate', () => {
  it('reproduce RFC 1071 §3: sum 0xddf2, checksum 0x220d', () => {
    expect(checksumAccumulate(RFC1071_BYTES, 0, 8)).toBe(0xddf2);
    expect(internetChecksum(RFC1071_BYTES, 0, 8)).toBe(0x220d);
    const withChecksum = new Uint8Array([...RFC1071_BYTES, 0x22, 0x0d]);
    expect(internetChecksum(withChecksum, 0, withChecksum.length)).toBe(0);
    expect(checksumAccumulate(withChecksum, 0, withChecksum.length)).toBe(0xffff);
  });

  it('give the golden IPv4 header checksum, and 0 over the header that carries it', () => {
    const header = ECHO_REQUEST_IP_HEADER.slice();
    expect(internetChecksum(header, 0, 20)).toBe(0);
    header[10] = 0;
    header[11] = 0;
    expect(internetChecksum(header, 0, 20)).toBe(0xdaa7);
  });

  it('pad an odd last byte with a zero low half', () => {
    expect(internetChecksum(new Uint8Array([0x01, 0x02, 0x03]), 0, 3)).toBe(0xfbfd);
    expect(internetChecksum(new Uint8Array([0xab]), 0, 1)).toBe(0x54ff);
    const odd = new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a]);
    const even = new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a, 0x00]);
    expect(internetChecksum(odd, 0, 5)).toBe(internetChecksum(even, 0, 6));
    // An odd range inside a buffer ignores the byte after it.
    const inside = new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a, 0xff]);
    expect(internetChecksum(inside, 0, 5)).toBe(internetChecksum(odd, 0, 5));
  });

  it('of nothing is 0xffff (the complement of an empty sum)', () => {
    expect(checksumAccumulate(new Uint8Array(0), 0, 0)).toBe(0);
    expect(internetChecksum(new Uint8Array(0), 0, 0)).toBe(0xffff);
    expect(internetChecksum(new Uint8Array(4), 2, 0)).toBe(0xffff);
  });

  it('match an independent reference over seeded random data of every length 0..300', () => {
    const next = lcg(0x5eed);
    for (let length = 0; length <= 300; length++) {
      const data = Array.from({ length }, () => next() & 0xff);
      const bytes = new Uint8Array(data);
      expect(internetChecksum(bytes, 0, length), `length ${length}`).toBe(referenceChecksum(data));
    }
  });

  it('fold every carry: all-ones data sums to 0xffff and checks to 0', () => {
    for (const length of [2, 4, 64, 65536, 200_000]) {
      const bytes = new Uint8Array(length).fill(0xff);
      expect(checksumAccumulate(bytes, 0, length)).toBe(0xffff);
      expect(internetChecksum(bytes, 0, length)).toBe(0);
    }
    // 0x8000 + 0x8000 carries once: 0x10000 folds to 0x0001.
    expect(checksumAccumulate(new Uint8Array([0x80, 0x00, 0x80, 0x00]), 0, 4)).toBe(0x0001);
  });

  it('read only the range asked for, at any offset', () => {
    const backing = new Uint8Array(3 + RFC1071_BYTES.length + 5).fill(0xee);
    backing.set(RFC1071_BYTES, 3);
    expect(internetChecksum(backing, 3, 8)).toBe(0x220d);
    expect(internetChecksum(backing.subarray(3), 0, 8)).toBe(0x220d);
  });

  it('chain: even-length pieces and an initial sum give the one-piece result', () => {
    const next = lcg(42);
    const bytes = new Uint8Array(101).map(() => next() & 0xff);
    const whole = internetChecksum(bytes, 0, 101);
    for (const cut of [0, 2, 10, 50, 100]) {
      const head = checksumAccumulate(bytes, 0, cut);
      expect(internetChecksum(bytes, cut, 101 - cut, head), `cut ${cut}`).toBe(whole);
    }
    // An unfolded 32-bit initial sum is folded too.
    expect(internetChecksum(RFC1071_BYTES, 0, 0, 0x2ddf0)).toBe(0x220d);
    expect(checksumAccumulate(RFC1071_BYTES, 0, 0, 0xffff_ffff)).toBe(0xffff);
  });

  it('refuse ranges outside the buffer and bad sums', () => {
    const bytes = new Uint8Array(8);
    expect(() => internetChecksum(bytes, 0, 9)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, 7, 2)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, -1, 2)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, 0, -1)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, 0.5, 2)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, 0, 1.5)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, 0, 8, -1)).toThrow(RangeError);
    expect(() => internetChecksum(bytes, 0, 8, 2 ** 32)).toThrow(RangeError);
    expect(() => checksumAccumulate(bytes, 0, 8, 0.5)).toThrow(RangeError);
    expect(internetChecksum(bytes, 8, 0)).toBe(0xffff);
  });
});

describe('ipv4ToString and parseIpv4', () => {
  it('format dotted-quad decimal', () => {
    expect(ipv4ToString(0x0ac80001)).toBe('10.200.0.1');
    expect(ipv4ToString(0)).toBe('0.0.0.0');
    expect(ipv4ToString(IPV4_BROADCAST)).toBe('255.255.255.255');
    expect(ipv4ToString(0x7f000001)).toBe('127.0.0.1');
    expect(ipv4ToString(0x80000000)).toBe('128.0.0.0');
  });

  it('parse the reference addresses', () => {
    expect(parseIpv4('10.200.0.1')).toBe(0x0ac80001);
    expect(parseIpv4('10.200.0.2')).toBe(0x0ac80002);
    expect(parseIpv4('0.0.0.0')).toBe(0);
    expect(parseIpv4('255.255.255.255')).toBe(0xffff_ffff);
    expect(parseIpv4('224.0.0.251')).toBe(0xe00000fb);
  });

  it('round trip', () => {
    const next = lcg(7);
    const values = [0, 1, 0x7fffffff, 0x80000000, 0xffff_ffff, 0x0ac80001];
    for (let i = 0; i < 200; i++) values.push(next());
    for (const value of values) expect(parseIpv4(ipv4ToString(value))).toBe(value);
  });

  it('reject anything but a strict decimal dotted quad', () => {
    for (const text of [
      '',
      '10.200.0.300',
      '256.0.0.0',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      '.1.2.3',
      '1.2.3.',
      '1.2.3.4.',
      '+1.2.3.4',
      '1.2.3.+4',
      '-1.2.3.4',
      '010.0.0.1',
      '10.0.0.01',
      '00.0.0.0',
      '0x0a.0.0.1',
      '1e1.0.0.1',
      ' 10.200.0.1',
      '10.200.0.1 ',
      '10.200.0.1\n',
      '10.200.0.1/24',
      '10,200,0,1',
      '1000.0.0.1',
      '10.200.0.a',
      '１.2.3.4',
      '::1',
    ]) {
      expect(parseIpv4(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('ipv4ToString refuses numbers that are not addresses', () => {
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN]) {
      expect(() => ipv4ToString(bad)).toThrow(RangeError);
    }
  });
});

describe('readIpv4 and writeIpv4', () => {
  it('read and write at an offset, in network byte order', () => {
    const bytes = new Uint8Array(8).fill(0x55);
    writeIpv4(bytes, 2, ip('10.200.0.2'));
    expect(Array.from(bytes)).toEqual([0x55, 0x55, 10, 200, 0, 2, 0x55, 0x55]);
    expect(readIpv4(bytes, 2)).toBe(0x0ac80002);
    expect(readIpv4(ECHO_REQUEST_IP_HEADER, 12)).toBe(ip('10.200.0.1'));
    expect(readIpv4(ECHO_REQUEST_IP_HEADER, 16)).toBe(ip('10.200.0.2'));
  });

  it('give unsigned numbers for addresses with the top bit set', () => {
    const bytes = new Uint8Array(4);
    for (const value of [0xffff_ffff, 0x80000000, 0xe00000fb, 0]) {
      writeIpv4(bytes, 0, value);
      expect(readIpv4(bytes, 0)).toBe(value);
      expect(readIpv4(bytes, 0)).toBeGreaterThanOrEqual(0);
    }
  });

  it('refuse offsets where four bytes do not fit, and bad addresses', () => {
    const bytes = new Uint8Array(6);
    expect(() => readIpv4(bytes, 3)).toThrow(RangeError);
    expect(() => readIpv4(bytes, -1)).toThrow(RangeError);
    expect(() => writeIpv4(bytes, 3, 1)).toThrow(RangeError);
    expect(() => writeIpv4(bytes, 0, 2 ** 32)).toThrow(RangeError);
    expect(() => writeIpv4(bytes, 0, -1)).toThrow(RangeError);
    expect(() => writeIpv4(bytes, 0, 0.5)).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('prefixMask', () => {
  it('gives the edge cases unsigned', () => {
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(1)).toBe(0x80000000);
    expect(prefixMask(8)).toBe(0xff000000);
    expect(prefixMask(16)).toBe(0xffff0000);
    expect(prefixMask(24)).toBe(0xffffff00);
    expect(prefixMask(31)).toBe(0xfffffffe);
    expect(prefixMask(32)).toBe(0xffff_ffff);
    expect(ipv4ToString(prefixMask(24))).toBe('255.255.255.0');
  });

  it('has exactly `length` leading one bits for every length', () => {
    for (let length = 0; length <= 32; length++) {
      const mask = prefixMask(length);
      expect(mask).toBeGreaterThanOrEqual(0);
      let expected = 0;
      for (let bit = 0; bit < length; bit++) expected += 2 ** (31 - bit);
      expect(mask, `/${length}`).toBe(expected);
    }
  });

  it('refuses lengths outside 0..32', () => {
    for (const bad of [-1, 33, 1.5, Number.NaN]) expect(() => prefixMask(bad)).toThrow(RangeError);
  });
});

describe('address predicates', () => {
  it('isMulticastIpv4 is 224.0.0.0/4', () => {
    expect(isMulticastIpv4(ip('224.0.0.0'))).toBe(true);
    expect(isMulticastIpv4(ip('224.0.0.251'))).toBe(true);
    expect(isMulticastIpv4(ip('239.255.255.255'))).toBe(true);
    expect(isMulticastIpv4(ip('223.255.255.255'))).toBe(false);
    expect(isMulticastIpv4(ip('240.0.0.0'))).toBe(false);
    expect(isMulticastIpv4(IPV4_BROADCAST)).toBe(false);
    expect(isMulticastIpv4(ip('10.200.0.1'))).toBe(false);
  });

  it('isLoopbackIpv4 is 127.0.0.0/8', () => {
    expect(isLoopbackIpv4(ip('127.0.0.1'))).toBe(true);
    expect(isLoopbackIpv4(ip('127.0.0.0'))).toBe(true);
    expect(isLoopbackIpv4(ip('127.255.255.255'))).toBe(true);
    expect(isLoopbackIpv4(ip('126.255.255.255'))).toBe(false);
    expect(isLoopbackIpv4(ip('128.0.0.0'))).toBe(false);
    expect(isLoopbackIpv4(ip('10.200.0.1'))).toBe(false);
  });

  it('IPV4_BROADCAST is INADDR_BROADCAST', () => {
    expect(IPV4_BROADCAST).toBe(0xffff_ffff);
    expect(IPV4_BROADCAST).toBe(prefixMask(32));
  });
});

describe('ipv4HeaderChecksum (ip_fast_csum for ihl 5)', () => {
  it('equals internetChecksum over 20 bytes for 10,000 seeded headers, at any offset', () => {
    const rng = new Prng(20261129);
    const buf = new Uint8Array(64);
    for (let n = 0; n < 10_000; n++) {
      rng.fill(buf);
      if (n % 7 === 0) buf.fill(0xff, 0, 40); // all-ones words: the folds carry
      const at = n % 40;
      expect(ipv4HeaderChecksum(buf, at)).toBe(internetChecksum(buf, at, 20));
    }
  });

  it('a header carrying its checksum sums to 0', () => {
    const h = new Uint8Array([0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 0x40, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
    const c = ipv4HeaderChecksum(h, 0);
    h[10] = c >>> 8;
    h[11] = c & 0xff;
    expect(ipv4HeaderChecksum(h, 0)).toBe(0);
  });
});
