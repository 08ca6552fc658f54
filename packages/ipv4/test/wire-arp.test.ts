import { describe, expect, it } from 'vitest';
import {
  ARPHRD_ETHER,
  ARPOP_REPLY,
  ARPOP_REQUEST,
  ARP_LENGTH,
  ArpPacket,
  emitArp,
  isArpError,
  parseArp,
  type ArpError,
  type ArpRepr,
} from '../src/wire/arp.js';

/**
 * `arping`/the neighbour layer on 10.200.0.1 asking for 10.200.0.2: who-has 10.200.0.2
 * tell 10.200.0.1, sender 02:00:00:00:0a:01, target hardware address zero (as
 * `arp_create()` leaves it). The 28 bytes after the Ethernet header.
 */
const ARP_REQUEST = new Uint8Array([
  // htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4, oper 1 (request)
  0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
  // sender 02:00:00:00:0a:01 10.200.0.1
  0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x0a, 0xc8, 0x00, 0x01,
  // target 00:00:00:00:00:00 10.200.0.2
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xc8, 0x00, 0x02,
]);

/** The answer from 10.200.0.2: 10.200.0.2 is-at 02:00:00:00:0b:01, to the requester. */
const ARP_REPLY = new Uint8Array([
  // htype 1 (Ethernet), ptype 0x0800, hlen 6, plen 4, oper 2 (reply)
  0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
  // sender 02:00:00:00:0b:01 10.200.0.2
  0x02, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x0a, 0xc8, 0x00, 0x02,
  // target 02:00:00:00:0a:01 10.200.0.1
  0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x0a, 0xc8, 0x00, 0x01,
]);

const MAC_A = 0x02_0000_000a01;
const MAC_B = 0x02_0000_000b01;
const IP_A = 0x0ac80001; // 10.200.0.1
const IP_B = 0x0ac80002; // 10.200.0.2

const REQUEST_REPR: ArpRepr = {
  operation: ARPOP_REQUEST,
  senderMac: MAC_A,
  senderIp: IP_A,
  targetMac: 0,
  targetIp: IP_B,
};

const REPLY_REPR: ArpRepr = {
  operation: ARPOP_REPLY,
  senderMac: MAC_B,
  senderIp: IP_B,
  targetMac: MAC_A,
  targetIp: IP_A,
};

function expectPacket(v: ArpPacket | ArpError): ArpPacket {
  if (isArpError(v)) throw new Error(`expected a packet, got ${JSON.stringify(v)}`);
  return v;
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

/** A copy of the golden request with one byte changed. */
function requestWith(index: number, value: number): Uint8Array {
  const bytes = ARP_REQUEST.slice();
  bytes[index] = value;
  return bytes;
}

describe('constants', () => {
  it('match include/uapi/linux/if_arp.h', () => {
    expect(ARP_LENGTH).toBe(28);
    expect(ARPHRD_ETHER).toBe(1);
    expect(ARPOP_REQUEST).toBe(1);
    expect(ARPOP_REPLY).toBe(2);
  });
});

describe('golden packet: ARP request', () => {
  it('decodes through the checked view, every field', () => {
    const arp = expectPacket(ArpPacket.check(ARP_REQUEST));
    expect(arp.bytes).toBe(ARP_REQUEST);
    expect(arp.operation).toBe(ARPOP_REQUEST);
    expect(arp.senderMac).toBe(MAC_A);
    expect(arp.senderIp).toBe(IP_A);
    expect(arp.targetMac).toBe(0);
    expect(arp.targetIp).toBe(IP_B);
  });

  it('parses into a repr', () => {
    expect(parseArp(ARP_REQUEST)).toEqual(REQUEST_REPR);
  });

  it('emits back to the same bytes', () => {
    const bytes = new Uint8Array(ARP_LENGTH);
    emitArp(REQUEST_REPR, bytes);
    expect(Array.from(bytes)).toEqual(Array.from(ARP_REQUEST));
  });
});

describe('golden packet: ARP reply', () => {
  it('decodes through the checked view, every field', () => {
    const arp = expectPacket(ArpPacket.check(ARP_REPLY));
    expect(arp.operation).toBe(ARPOP_REPLY);
    expect(arp.senderMac).toBe(MAC_B);
    expect(arp.senderIp).toBe(IP_B);
    expect(arp.targetMac).toBe(MAC_A);
    expect(arp.targetIp).toBe(IP_A);
  });

  it('parses into a repr', () => {
    expect(parseArp(ARP_REPLY)).toEqual(REPLY_REPR);
  });

  it('emits back to the same bytes', () => {
    const bytes = new Uint8Array(ARP_LENGTH);
    emitArp(REPLY_REPR, bytes);
    expect(Array.from(bytes)).toEqual(Array.from(ARP_REPLY));
  });

  it('is the answer arp_process() builds from the request', () => {
    const request = expectPacket(ArpPacket.check(ARP_REQUEST));
    const reply: ArpRepr = {
      operation: ARPOP_REPLY,
      senderMac: MAC_B,
      senderIp: request.targetIp,
      targetMac: request.senderMac,
      targetIp: request.senderIp,
    };
    expect(reply).toEqual(REPLY_REPR);
  });
});

describe('ArpPacket views', () => {
  it('ignores Ethernet padding after the 28 bytes (a 60-byte frame)', () => {
    const padded = new Uint8Array(46);
    padded.set(ARP_REQUEST);
    padded.fill(0xaa, 28);
    expect(expectPacket(ArpPacket.check(padded)).targetIp).toBe(IP_B);
    expect(parseArp(padded)).toEqual(REQUEST_REPR);
  });

  it('works on a subarray inside an Ethernet frame', () => {
    const frame = new Uint8Array(14 + 28);
    frame.set(ARP_REPLY, 14);
    const arp = expectPacket(ArpPacket.check(frame.subarray(14)));
    expect(arp.senderMac).toBe(MAC_B);
    expect(arp.targetIp).toBe(IP_A);
  });

  it('reads the current bytes, not a copy', () => {
    const bytes = ARP_REQUEST.slice();
    const arp = expectPacket(ArpPacket.check(bytes));
    bytes[27] = 0x09;
    expect(arp.targetIp).toBe(0x0ac80009);
  });

  it('reads the extreme addresses', () => {
    const repr: ArpRepr = {
      operation: ARPOP_REPLY,
      senderMac: 0xffff_ffff_ffff,
      senderIp: 0xffff_ffff,
      targetMac: 0x80_0000_000001,
      targetIp: 0x80000000,
    };
    const bytes = new Uint8Array(ARP_LENGTH);
    emitArp(repr, bytes);
    expect(Array.from(bytes.subarray(8))).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00, 0x00,
    ]);
    const arp = expectPacket(ArpPacket.check(bytes));
    expect(arp.senderMac).toBe(0xffff_ffff_ffff);
    expect(arp.senderIp).toBe(0xffff_ffff);
    expect(arp.targetMac).toBe(0x80_0000_000001);
    expect(arp.targetIp).toBe(0x80000000);
    expect(parseArp(bytes)).toEqual(repr);
  });

  it('unchecked wraps bytes netstage emitted itself, and refuses fewer than 28', () => {
    const bytes = new Uint8Array(ARP_LENGTH);
    emitArp(REPLY_REPR, bytes);
    expect(ArpPacket.unchecked(bytes).senderMac).toBe(MAC_B);
    expect(() => ArpPacket.unchecked(new Uint8Array(27))).toThrow(RangeError);
  });
});

describe('ArpPacket.check errors', () => {
  it('truncated: fewer than 28 bytes', () => {
    for (const length of [0, 8, 27]) {
      const bytes = ARP_REQUEST.slice(0, length);
      expect(ArpPacket.check(bytes)).toEqual({ kind: 'truncated', length });
      expect(parseArp(bytes)).toEqual({ kind: 'truncated', length });
    }
  });

  it('hardware-type: anything but Ethernet (1), IEEE 802 (6) included', () => {
    expect(ArpPacket.check(requestWith(1, 6))).toEqual({ kind: 'hardware-type', hardwareType: 6 });
    expect(parseArp(requestWith(0, 0x01))).toEqual({ kind: 'hardware-type', hardwareType: 0x0101 });
    expect(ArpPacket.check(requestWith(1, 0))).toEqual({ kind: 'hardware-type', hardwareType: 0 });
  });

  it('protocol-type: anything but IPv4 (0x0800)', () => {
    const v6 = ARP_REQUEST.slice();
    v6[2] = 0x86;
    v6[3] = 0xdd;
    expect(ArpPacket.check(v6)).toEqual({ kind: 'protocol-type', protocolType: 0x86dd });
    expect(parseArp(requestWith(3, 0x06))).toEqual({ kind: 'protocol-type', protocolType: 0x0806 });
  });

  it('hardware-length: anything but 6', () => {
    expect(ArpPacket.check(requestWith(4, 8))).toEqual({ kind: 'hardware-length', hardwareLength: 8 });
    expect(parseArp(requestWith(4, 0))).toEqual({ kind: 'hardware-length', hardwareLength: 0 });
  });

  it('protocol-length: anything but 4', () => {
    expect(ArpPacket.check(requestWith(5, 16))).toEqual({ kind: 'protocol-length', protocolLength: 16 });
    expect(parseArp(requestWith(5, 0))).toEqual({ kind: 'protocol-length', protocolLength: 0 });
  });

  it('operation: neither request nor reply (RARP, InARP, zero)', () => {
    for (const operation of [0, 3, 4, 8, 9, 0x0101]) {
      const bytes = ARP_REQUEST.slice();
      bytes[6] = operation >>> 8;
      bytes[7] = operation & 0xff;
      expect(ArpPacket.check(bytes)).toEqual({ kind: 'operation', operation });
      expect(parseArp(bytes)).toEqual({ kind: 'operation', operation });
    }
  });

  it('reports the first error in field order', () => {
    const all = new Uint8Array(28).fill(0xff);
    expect(ArpPacket.check(all)).toEqual({ kind: 'hardware-type', hardwareType: 0xffff });
    const lengths = requestWith(4, 8);
    lengths[5] = 16;
    lengths[7] = 3;
    expect(ArpPacket.check(lengths)).toEqual({ kind: 'hardware-length', hardwareLength: 8 });
  });

  it('never throws, whatever the bytes, and no accessor of a checked packet throws', () => {
    const next = lcg(0xa4b);
    let packets = 0;
    for (let i = 0; i < 2000; i++) {
      const length = next() % 40;
      const bytes = new Uint8Array(length).map(() => next() & 0xff);
      if (length >= 8 && i % 2 === 0) bytes.set([0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 1 + (next() % 3)]);
      const checked = ArpPacket.check(bytes);
      const parsed = parseArp(bytes);
      expect(isArpError(checked)).toBe(isArpError(parsed));
      if (!isArpError(checked)) {
        packets++;
        expect(() => [
          checked.operation,
          checked.senderMac,
          checked.senderIp,
          checked.targetMac,
          checked.targetIp,
        ]).not.toThrow();
        expect(parsed).toEqual({
          operation: checked.operation,
          senderMac: checked.senderMac,
          senderIp: checked.senderIp,
          targetMac: checked.targetMac,
          targetIp: checked.targetIp,
        });
      }
    }
    expect(packets).toBeGreaterThan(50);
  });
});

describe('isArpError', () => {
  it('tells errors from packets, reprs and other values', () => {
    expect(isArpError({ kind: 'truncated', length: 3 })).toBe(true);
    expect(isArpError({ kind: 'operation', operation: 3 })).toBe(true);
    expect(isArpError(expectPacket(ArpPacket.check(ARP_REQUEST)))).toBe(false);
    expect(isArpError(parseArp(ARP_REQUEST))).toBe(false);
    expect(isArpError(null)).toBe(false);
    expect(isArpError(undefined)).toBe(false);
    expect(isArpError({ kind: 'checksum' })).toBe(false);
  });
});

describe('emitArp', () => {
  it('emits after an Ethernet header, leaving the rest of the buffer alone', () => {
    const frame = new Uint8Array(14 + ARP_LENGTH + 2).fill(0x55);
    emitArp(REQUEST_REPR, frame, 14);
    expect(Array.from(frame.subarray(0, 14))).toEqual(new Array<number>(14).fill(0x55));
    expect(Array.from(frame.subarray(14, 42))).toEqual(Array.from(ARP_REQUEST));
    expect(Array.from(frame.subarray(42))).toEqual([0x55, 0x55]);
  });

  it('refuses a bad repr or a short buffer, and leaves the buffer untouched', () => {
    const bytes = new Uint8Array(ARP_LENGTH);
    const bad: ArpRepr[] = [
      { ...REQUEST_REPR, operation: 3 as ArpRepr['operation'] },
      { ...REQUEST_REPR, operation: 0 as ArpRepr['operation'] },
      { ...REQUEST_REPR, senderMac: 2 ** 48 },
      { ...REQUEST_REPR, targetMac: -1 },
      { ...REQUEST_REPR, senderMac: 0.5 },
      { ...REQUEST_REPR, senderIp: 2 ** 32 },
      { ...REQUEST_REPR, targetIp: -1 },
    ];
    for (const repr of bad) expect(() => emitArp(repr, bytes), JSON.stringify(repr)).toThrow(RangeError);
    expect(() => emitArp(REQUEST_REPR, new Uint8Array(27))).toThrow(RangeError);
    expect(() => emitArp(REQUEST_REPR, bytes, 1)).toThrow(RangeError);
    expect(() => emitArp(REQUEST_REPR, bytes, -1)).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual(new Array<number>(ARP_LENGTH).fill(0));
  });
});
