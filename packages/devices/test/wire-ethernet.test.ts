import { describe, expect, it } from 'vitest';
import {
  ETH_ALEN,
  ETH_DATA_LEN,
  ETH_FRAME_LEN,
  ETH_HLEN,
  ETH_P_8021Q,
  ETH_P_ALL,
  ETH_P_ARP,
  ETH_P_IP,
  ETH_P_IPV6,
  ETH_ZLEN,
  ETHERNET_HEADER_LENGTH,
  EthernetFrame,
  MAC_BROADCAST,
  MAC_ZERO,
  emitEthernet,
  ethernetBufferLength,
  frameDestination,
  frameEtherType,
  frameSource,
  isBroadcastMac,
  isEthernetError,
  isLocallyAdministered,
  isMulticastMac,
  macToString,
  parseEthernet,
  parseMac,
  randomMac,
  readMac,
  writeMac,
  type EthernetError,
  type EthernetRepr,
} from '../src/wire/ethernet.js';

/**
 * An ARP request as it leaves a veth: who-has 10.200.0.2 tell 10.200.0.1, from
 * 02:00:00:00:0a:01 to broadcast. 42 bytes, not padded to ETH_ZLEN.
 */
const ARP_REQUEST_FRAME = new Uint8Array([
  // Ethernet: destination, source, EtherType
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x02, 0x00, 0x00, 0x00, 0x0a, 0x01,
  0x08, 0x06,
  // ARP: htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4, oper 1 (request)
  0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
  // sender 02:00:00:00:0a:01 10.200.0.1
  0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x0a, 0xc8, 0x00, 0x01,
  // target 00:00:00:00:00:00 10.200.0.2
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xc8, 0x00, 0x02,
]);

/**
 * An IPv4 frame: ICMP echo request 10.200.0.1 -> 10.200.0.2 (id 42, seq 1, data
 * "netstage"), from 02:00:00:00:0a:01 to 02:00:00:00:0a:02. Both checksums are valid.
 * 50 bytes, not padded.
 */
const IPV4_ICMP_FRAME = new Uint8Array([
  // Ethernet: destination, source, EtherType
  0x02, 0x00, 0x00, 0x00, 0x0a, 0x02,
  0x02, 0x00, 0x00, 0x00, 0x0a, 0x01,
  0x08, 0x00,
  // IPv4: version/IHL, TOS, total length 36, id, DF, TTL 64, proto 1, checksum, src, dst
  0x45, 0x00, 0x00, 0x24, 0x3c, 0x1d, 0x40, 0x00, 0x40, 0x01, 0xe9, 0x29,
  0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc8, 0x00, 0x02,
  // ICMP: echo request, code 0, checksum, id 42, seq 1, "netstage"
  0x08, 0x00, 0x39, 0x35, 0x00, 0x2a, 0x00, 0x01,
  0x6e, 0x65, 0x74, 0x73, 0x74, 0x61, 0x67, 0x65,
]);

const MAC_A = 0x02_0000_000a01;
const MAC_B = 0x02_0000_000a02;

function expectFrame(v: EthernetFrame | EthernetError): EthernetFrame {
  if (isEthernetError(v)) throw new Error(`expected a frame, got ${JSON.stringify(v)}`);
  return v;
}

function expectRepr(v: EthernetRepr | EthernetError): EthernetRepr {
  if (isEthernetError(v)) throw new Error(`expected a repr, got ${JSON.stringify(v)}`);
  return v;
}

/** parseMac for literals the test knows are valid. */
function mac(text: string): number {
  const value = parseMac(text);
  if (value === undefined) throw new Error(`not a MAC address: ${text}`);
  return value;
}

/** A `next` that hands out `values` in order and fails if asked for more. */
function sequence(values: readonly number[]): () => number {
  let i = 0;
  return () => {
    const v = values[i++];
    if (v === undefined) throw new Error('sequence exhausted');
    return v;
  };
}

describe('constants', () => {
  it('match include/uapi/linux/if_ether.h', () => {
    expect(ETH_ALEN).toBe(6);
    expect(ETH_HLEN).toBe(14);
    expect(ETH_ZLEN).toBe(60);
    expect(ETH_DATA_LEN).toBe(1500);
    expect(ETH_FRAME_LEN).toBe(1514);
    expect(ETH_FRAME_LEN).toBe(ETH_HLEN + ETH_DATA_LEN);
    expect(ETH_P_ALL).toBe(0x0003);
    expect(ETH_P_IP).toBe(0x0800);
    expect(ETH_P_ARP).toBe(0x0806);
    expect(ETH_P_8021Q).toBe(0x8100);
    expect(ETH_P_IPV6).toBe(0x86dd);
    expect(ETHERNET_HEADER_LENGTH).toBe(14);
    expect(MAC_BROADCAST).toBe(2 ** 48 - 1);
    expect(MAC_ZERO).toBe(0);
  });
});

describe('golden frame: ARP request', () => {
  it('is 42 bytes', () => {
    expect(ARP_REQUEST_FRAME.length).toBe(42);
    expect(ethernetBufferLength(28)).toBe(42);
  });

  it('decodes through the checked view', () => {
    const frame = expectFrame(EthernetFrame.check(ARP_REQUEST_FRAME));
    expect(frame.bytes).toBe(ARP_REQUEST_FRAME);
    expect(frame.destination).toBe(MAC_BROADCAST);
    expect(isBroadcastMac(frame.destination)).toBe(true);
    expect(frame.source).toBe(MAC_A);
    expect(macToString(frame.source)).toBe('02:00:00:00:0a:01');
    expect(frame.etherType).toBe(ETH_P_ARP);
    expect(frame.payload.length).toBe(28);
    expect(Array.from(frame.payload)).toEqual(Array.from(ARP_REQUEST_FRAME.subarray(14)));
    // The ARP sender hardware address repeats the Ethernet source.
    expect(readMac(frame.payload, 8)).toBe(frame.source);
  });

  it('decodes through the plain readers', () => {
    expect(frameDestination(ARP_REQUEST_FRAME)).toBe(MAC_BROADCAST);
    expect(frameSource(ARP_REQUEST_FRAME)).toBe(MAC_A);
    expect(frameEtherType(ARP_REQUEST_FRAME)).toBe(ETH_P_ARP);
  });

  it('parses to a repr', () => {
    expect(parseEthernet(ARP_REQUEST_FRAME)).toEqual({
      destination: MAC_BROADCAST,
      source: MAC_A,
      etherType: ETH_P_ARP,
    });
  });

  it('emits the same header bytes, and the same frame with the payload copied in', () => {
    const repr = expectRepr(parseEthernet(ARP_REQUEST_FRAME));
    const header = new Uint8Array(ETHERNET_HEADER_LENGTH);
    emitEthernet(repr, header);
    expect(header).toEqual(ARP_REQUEST_FRAME.subarray(0, 14));

    const payload = ARP_REQUEST_FRAME.subarray(14);
    const whole = new Uint8Array(ethernetBufferLength(payload.length));
    emitEthernet(repr, whole);
    whole.set(payload, ETH_HLEN);
    expect(whole).toEqual(ARP_REQUEST_FRAME);
  });
});

describe('golden frame: IPv4', () => {
  it('decodes through the checked view', () => {
    expect(IPV4_ICMP_FRAME.length).toBe(50);
    const frame = expectFrame(EthernetFrame.check(IPV4_ICMP_FRAME));
    expect(frame.destination).toBe(MAC_B);
    expect(macToString(frame.destination)).toBe('02:00:00:00:0a:02');
    expect(frame.source).toBe(MAC_A);
    expect(frame.etherType).toBe(ETH_P_IP);
    expect(isMulticastMac(frame.destination)).toBe(false);
    expect(frame.payload.length).toBe(36);
    // The payload starts with the IPv4 header: version 4, IHL 5, total length 36.
    expect(frame.payload[0]).toBe(0x45);
    expect(Array.from(frame.payload.subarray(2, 4))).toEqual([0, frame.payload.length]);
  });

  it('parses to a repr and emits the same header bytes', () => {
    const repr = expectRepr(parseEthernet(IPV4_ICMP_FRAME));
    expect(repr).toEqual({ destination: MAC_B, source: MAC_A, etherType: ETH_P_IP });
    const header = new Uint8Array(ETH_HLEN);
    emitEthernet(repr, header);
    expect(header).toEqual(IPV4_ICMP_FRAME.subarray(0, 14));
  });

  it('emits at an offset without touching the bytes around the header', () => {
    const repr: EthernetRepr = { destination: MAC_B, source: MAC_A, etherType: ETH_P_IP };
    const bytes = new Uint8Array(4 + ETH_HLEN + 2).fill(0xee);
    emitEthernet(repr, bytes, 4);
    expect(bytes.subarray(4, 18)).toEqual(IPV4_ICMP_FRAME.subarray(0, 14));
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0xee, 0xee, 0xee, 0xee]);
    expect(Array.from(bytes.subarray(18))).toEqual([0xee, 0xee]);
  });
});

describe('short buffers', () => {
  it('0 and 13 bytes give a truncated error from check and parse, without throwing', () => {
    for (const length of [0, 1, 13]) {
      const bytes = new Uint8Array(length);
      let checked: EthernetFrame | EthernetError | undefined;
      let parsed: EthernetRepr | EthernetError | undefined;
      expect(() => {
        checked = EthernetFrame.check(bytes);
        parsed = parseEthernet(bytes);
      }).not.toThrow();
      expect(checked).toEqual({ kind: 'truncated', length });
      expect(parsed).toEqual({ kind: 'truncated', length });
      expect(isEthernetError(checked)).toBe(true);
      expect(isEthernetError(parsed)).toBe(true);
    }
  });

  it('a truncated prefix of a real frame is refused', () => {
    const head = ARP_REQUEST_FRAME.subarray(0, 13);
    expect(EthernetFrame.check(head)).toEqual({ kind: 'truncated', length: 13 });
  });

  it('14 bytes exactly is a valid frame with an empty payload', () => {
    const bytes = ARP_REQUEST_FRAME.slice(0, 14);
    const frame = expectFrame(EthernetFrame.check(bytes));
    expect(frame).toBeInstanceOf(EthernetFrame);
    expect(frame.destination).toBe(MAC_BROADCAST);
    expect(frame.source).toBe(MAC_A);
    expect(frame.etherType).toBe(ETH_P_ARP);
    expect(frame.payload.length).toBe(0);
    expect(parseEthernet(bytes)).toEqual({
      destination: MAC_BROADCAST,
      source: MAC_A,
      etherType: ETH_P_ARP,
    });
  });

  it('the caller-checked readers and emit refuse a buffer too short for a header', () => {
    const short = new Uint8Array(13);
    expect(() => frameDestination(short)).toThrow(RangeError);
    expect(() => frameSource(short)).toThrow(RangeError);
    expect(() => frameEtherType(short)).toThrow(RangeError);
    expect(() => EthernetFrame.unchecked(short).etherType).toThrow(RangeError);
    const repr: EthernetRepr = { destination: MAC_B, source: MAC_A, etherType: ETH_P_IP };
    expect(() => emitEthernet(repr, short)).toThrow(RangeError);
    expect(() => emitEthernet(repr, new Uint8Array(14), 1)).toThrow(RangeError);
    expect(Array.from(short)).toEqual(new Array<number>(13).fill(0));
  });
});

describe('isEthernetError', () => {
  it('tells errors from frames, reprs and other values', () => {
    expect(isEthernetError({ kind: 'truncated', length: 3 })).toBe(true);
    expect(isEthernetError(expectFrame(EthernetFrame.check(ARP_REQUEST_FRAME)))).toBe(false);
    expect(isEthernetError(parseEthernet(ARP_REQUEST_FRAME))).toBe(false);
    expect(isEthernetError(null)).toBe(false);
    expect(isEthernetError(undefined)).toBe(false);
    expect(isEthernetError('truncated')).toBe(false);
    expect(isEthernetError({ kind: 'other', length: 3 })).toBe(false);
  });
});

describe('EthernetFrame views', () => {
  it('payload is a view: writing it writes the frame bytes', () => {
    const bytes = IPV4_ICMP_FRAME.slice();
    const frame = expectFrame(EthernetFrame.check(bytes));
    const payload = frame.payload;
    expect(payload.buffer).toBe(bytes.buffer);
    expect(payload.byteOffset).toBe(bytes.byteOffset + 14);
    payload[0] = 0x46;
    expect(bytes[14]).toBe(0x46);
    payload[payload.length - 1] = 0x00;
    expect(bytes[bytes.length - 1]).toBe(0x00);
  });

  it('header accessors read the current bytes, not a copy', () => {
    const bytes = ARP_REQUEST_FRAME.slice();
    const frame = expectFrame(EthernetFrame.check(bytes));
    writeMac(bytes, 0, MAC_B);
    bytes[12] = 0x86;
    bytes[13] = 0xdd;
    expect(frame.destination).toBe(MAC_B);
    expect(frame.etherType).toBe(ETH_P_IPV6);
  });

  it('works on a subarray that does not start at offset 0 of its buffer', () => {
    const backing = new Uint8Array(3 + ARP_REQUEST_FRAME.length);
    backing.set(ARP_REQUEST_FRAME, 3);
    const frame = expectFrame(EthernetFrame.check(backing.subarray(3)));
    expect(frame.destination).toBe(MAC_BROADCAST);
    expect(frame.source).toBe(MAC_A);
    expect(frame.etherType).toBe(ETH_P_ARP);
    expect(frame.payload.length).toBe(28);
  });

  it('unchecked wraps bytes netstage emitted itself', () => {
    const bytes = new Uint8Array(ethernetBufferLength(0));
    emitEthernet({ destination: MAC_A, source: MAC_B, etherType: ETH_P_8021Q }, bytes);
    const frame = EthernetFrame.unchecked(bytes);
    expect(frame.destination).toBe(MAC_A);
    expect(frame.source).toBe(MAC_B);
    expect(frame.etherType).toBe(ETH_P_8021Q);
    expect(frame.payload.length).toBe(0);
  });
});

describe('emitEthernet', () => {
  it('covers the extreme field values', () => {
    const bytes = new Uint8Array(ETH_HLEN);
    emitEthernet({ destination: MAC_BROADCAST, source: MAC_ZERO, etherType: 0xffff }, bytes);
    expect(Array.from(bytes)).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
    ]);
    expect(parseEthernet(bytes)).toEqual({
      destination: MAC_BROADCAST,
      source: MAC_ZERO,
      etherType: 0xffff,
    });
  });

  it('refuses a bad repr and leaves the buffer untouched', () => {
    const bytes = new Uint8Array(ETH_HLEN);
    const bad: EthernetRepr[] = [
      { destination: MAC_A, source: MAC_B, etherType: 0x10000 },
      { destination: MAC_A, source: MAC_B, etherType: -1 },
      { destination: MAC_A, source: MAC_B, etherType: 1.5 },
      { destination: 2 ** 48, source: MAC_B, etherType: ETH_P_IP },
      { destination: MAC_A, source: -1, etherType: ETH_P_IP },
    ];
    for (const repr of bad) expect(() => emitEthernet(repr, bytes)).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual(new Array<number>(ETH_HLEN).fill(0));
  });
});

describe('macToString and parseMac', () => {
  it('formats lowercase, zero padded', () => {
    expect(macToString(MAC_A)).toBe('02:00:00:00:0a:01');
    expect(macToString(MAC_BROADCAST)).toBe('ff:ff:ff:ff:ff:ff');
    expect(macToString(MAC_ZERO)).toBe('00:00:00:00:00:00');
    expect(macToString(0xab_cdef_012345)).toBe('ab:cd:ef:01:23:45');
  });

  it('round trips', () => {
    for (const text of [
      '02:00:00:00:0a:01',
      'ff:ff:ff:ff:ff:ff',
      '00:00:00:00:00:00',
      '01:00:5e:00:00:01',
      '33:33:00:00:00:01',
      'fe:dc:ba:98:76:54',
    ]) {
      const value = parseMac(text);
      expect(value).toBeTypeOf('number');
      expect(macToString(value ?? -1)).toBe(text);
    }
    for (const value of [0, 1, MAC_A, 0x80_0000_000000, MAC_BROADCAST - 1, MAC_BROADCAST]) {
      expect(parseMac(macToString(value))).toBe(value);
    }
  });

  it('accepts one-digit groups and upper case', () => {
    expect(parseMac('1:2:3:4:5:6')).toBe(0x01_0203_040506);
    expect(macToString(mac('1:2:3:4:5:6'))).toBe('01:02:03:04:05:06');
    expect(parseMac('02:00:00:00:0A:01')).toBe(MAC_A);
  });

  it('rejects anything else', () => {
    for (const text of [
      '02:00:00:00:0a',
      '02:00:00:00:0a:01:02',
      'zz:00:00:00:00:00',
      '',
      '02-00-00-00-0a-01',
      '020000000a01',
      '002:00:00:00:0a:01',
      '02:00:00:00:0a:',
      ':02:00:00:00:0a:01',
      '02::00:00:0a:01',
      ' 02:00:00:00:0a:01',
      '02:00:00:00:0a:01\n',
      '+2:00:00:00:0a:01',
    ]) {
      expect(parseMac(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('macToString refuses numbers that are not addresses', () => {
    for (const bad of [-1, 2 ** 48, 1.5, Number.NaN]) {
      expect(() => macToString(bad)).toThrow(RangeError);
    }
  });
});

describe('readMac and writeMac', () => {
  it('read and write at an offset', () => {
    const bytes = new Uint8Array(10).fill(0x55);
    writeMac(bytes, 3, 0x01_2345_6789ab);
    expect(Array.from(bytes)).toEqual([
      0x55, 0x55, 0x55, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0x55,
    ]);
    expect(readMac(bytes, 3)).toBe(0x01_2345_6789ab);
    expect(readMac(bytes, 4)).toBe(0x23_4567_89ab55);
  });

  it('round trip the extremes', () => {
    const bytes = new Uint8Array(6);
    for (const value of [MAC_ZERO, MAC_BROADCAST, 0x80_0000_000000, 0x00_0000_800000, MAC_A]) {
      writeMac(bytes, 0, value);
      expect(readMac(bytes, 0)).toBe(value);
    }
  });

  it('refuse offsets where six bytes do not fit, and bad addresses', () => {
    const bytes = new Uint8Array(8);
    expect(() => readMac(bytes, 3)).toThrow(RangeError);
    expect(() => readMac(bytes, -1)).toThrow(RangeError);
    expect(() => writeMac(bytes, 3, MAC_A)).toThrow(RangeError);
    expect(() => writeMac(bytes, 0, 2 ** 48)).toThrow(RangeError);
    expect(() => writeMac(bytes, 0, 0.5)).toThrow(RangeError);
    expect(readMac(bytes, 2)).toBe(0);
  });
});

describe('address predicates', () => {
  it('isMulticastMac tests the I/G bit', () => {
    expect(isMulticastMac(mac('01:00:5e:00:00:01'))).toBe(true);
    expect(isMulticastMac(mac('33:33:00:00:00:01'))).toBe(true);
    expect(isMulticastMac(MAC_BROADCAST)).toBe(true);
    expect(isMulticastMac(MAC_A)).toBe(false);
    expect(isMulticastMac(MAC_ZERO)).toBe(false);
    // A set low bit elsewhere does not count.
    expect(isMulticastMac(mac('00:00:00:00:00:01'))).toBe(false);
  });

  it('isBroadcastMac is only ff:ff:ff:ff:ff:ff', () => {
    expect(isBroadcastMac(MAC_BROADCAST)).toBe(true);
    expect(isBroadcastMac(mac('ff:ff:ff:ff:ff:fe'))).toBe(false);
    expect(isBroadcastMac(mac('01:00:5e:00:00:01'))).toBe(false);
  });

  it('isLocallyAdministered tests the U/L bit', () => {
    expect(isLocallyAdministered(MAC_A)).toBe(true);
    expect(isLocallyAdministered(mac('00:1b:21:00:00:01'))).toBe(false);
    expect(isLocallyAdministered(mac('01:00:5e:00:00:01'))).toBe(false);
    expect(isLocallyAdministered(mac('33:33:00:00:00:01'))).toBe(true);
  });
});

describe('randomMac', () => {
  it('takes octets from two uint32s, then clears the I/G bit and sets the U/L bit', () => {
    const value = randomMac(sequence([0x12345678, 0x9abcdef0]));
    expect(macToString(value)).toBe('7a:56:34:12:f0:de');
    expect(isMulticastMac(value)).toBe(false);
    expect(isLocallyAdministered(value)).toBe(true);
  });

  it('gives the same address for the same sequence', () => {
    const values = [0xdeadbeef, 0x01234567];
    expect(randomMac(sequence(values))).toBe(randomMac(sequence(values)));
    expect(randomMac(sequence(values))).not.toBe(randomMac(sequence([0xdeadbeef, 0x01234568])));
  });

  it('fixes octet 0 whatever the random bits are', () => {
    expect(macToString(randomMac(sequence([0xffffffff, 0xffffffff])))).toBe('fe:ff:ff:ff:ff:ff');
    expect(macToString(randomMac(sequence([0, 0])))).toBe('02:00:00:00:00:00');
    for (let first = 0; first < 256; first++) {
      const value = randomMac(sequence([(first | 0xabcdef00) >>> 0, 0x1234]));
      expect(isMulticastMac(value)).toBe(false);
      expect(isLocallyAdministered(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(MAC_BROADCAST);
      // Only bits 0 and 1 of octet 0 change; the other six bits are the random ones.
      expect(Math.floor(value / 2 ** 40) & 0xfc).toBe(first & 0xfc);
    }
  });

  it('matches filling six bytes the way Prng.fill does, then fixing octet 0', () => {
    const values = [0x89abcdef, 0x76543210];
    const bytes = new Uint8Array(6);
    for (let i = 0; i < 6; i++) bytes[i] = ((values[i >> 2] ?? 0) >>> (8 * (i & 3))) & 0xff;
    bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02;
    expect(randomMac(sequence(values))).toBe(readMac(bytes, 0));
  });
});
