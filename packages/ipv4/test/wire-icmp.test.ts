import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../src/wire/checksum.js';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO,
  ICMP_ECHOREPLY,
  ICMP_EXC_FRAGTIME,
  ICMP_EXC_TTL,
  ICMP_FRAG_NEEDED,
  ICMP_HEADER_LENGTH,
  ICMP_HOST_UNREACH,
  ICMP_NET_UNREACH,
  ICMP_PORT_UNREACH,
  ICMP_PROT_UNREACH,
  ICMP_TIME_EXCEEDED,
  IcmpPacket,
  emitIcmp,
  icmpBufferLength,
  isIcmpError,
  parseIcmp,
  type IcmpError,
  type IcmpRepr,
} from '../src/wire/icmp.js';
import {
  IPPROTO_ICMP,
  IPPROTO_UDP,
  IPV4_HEADER_LENGTH,
  Ipv4Packet,
  emitIpv4Header,
  ipv4BufferLength,
  isIpv4Error,
  parseIpv4Header,
  type Ipv4Error,
  type Ipv4Repr,
} from '../src/wire/ipv4.js';
import { ECHO_REQUEST, UDP_DATAGRAM } from './golden-packets.js';

// Golden packets of the reference topology: 10.200.0.1 (02:00:00:00:0a:01) and
// 10.200.0.2 (02:00:00:00:0b:01) on a veth pair, whole IPv4 packets so that each test
// decodes and builds the IP header and the ICMP message together. Every checksum below
// was computed by an independent implementation; the echo ones were also checked by hand
// (data words 0x0001..0x3637 sum to 0x2f710; + 0x0800 + 0x1234 + 0x0001 = 0x31145,
// folded 0x1148, complemented 0xeeb7; the reply's type 0 gives 0xf6b7).

/**
 * The reply from 10.200.0.2 (`icmp_echo()`): same id, seq and data; Linux's ICMP socket
 * sends without DF (`IP_PMTUDISC_DONT`) and with its own IP id 0xe3b1. IP checksum
 * 0x8165, ICMP checksum 0xf6b7.
 */
const ECHO_REPLY = new Uint8Array([
  0x45, 0x00, 0x00, 0x54, 0xe3, 0xb1, 0x00, 0x00, 0x40, 0x01, 0x81, 0x65,
  0x0a, 0xc8, 0x00, 0x02, 0x0a, 0xc8, 0x00, 0x01,
  // ICMP: echo reply, code 0, checksum, id 0x1234, seq 1
  0x00, 0x00, 0xf6, 0xb7, 0x12, 0x34, 0x00, 0x01,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
  0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
  0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
  0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
]);

/**
 * 10.200.0.2's port unreachable for {@link UDP_DATAGRAM} (`__udp4_lib_rcv()` ->
 * `icmp_send()`): TOS 0xc0 (`IPTOS_PREC_INTERNETCONTROL`), no DF, id 0x1f5a, TTL 64;
 * quoting the datagram's IP header and its 8 bytes (the whole datagram, as
 * `__icmp_send()` quotes up to 576 bytes). IP checksum 0x4519, ICMP checksum 0x12a9.
 */
const PORT_UNREACHABLE = new Uint8Array([
  0x45, 0xc0, 0x00, 0x38, 0x1f, 0x5a, 0x00, 0x00, 0x40, 0x01, 0x45, 0x19,
  0x0a, 0xc8, 0x00, 0x02, 0x0a, 0xc8, 0x00, 0x01,
  // ICMP: destination unreachable, port unreachable, checksum, unused
  0x03, 0x03, 0x12, 0xa9, 0x00, 0x00, 0x00, 0x00,
  // the quoted datagram
  0x45, 0x00, 0x00, 0x1c, 0x7d, 0x21, 0x40, 0x00, 0x40, 0x11, 0xa8, 0x1d,
  0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc8, 0x00, 0x02,
  0xb2, 0x6e, 0x27, 0x0f, 0x00, 0x08, 0x10, 0xce,
]);

/**
 * A traceroute probe from 10.200.0.1 to 10.201.0.2 beyond the router 10.200.0.2, as it
 * arrives there: TTL 1, no DF, id 0x8a4c, UDP 45679 -> 33434 with traceroute's 32 data
 * bytes "@ABC...^_" (0x40..0x5f). 60 bytes. IP checksum 0x19d2, UDP checksum 0xbffb.
 */
const TRACEROUTE_PROBE = new Uint8Array([
  0x45, 0x00, 0x00, 0x3c, 0x8a, 0x4c, 0x00, 0x00, 0x01, 0x11, 0x19, 0xd2,
  0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc9, 0x00, 0x02,
  0xb2, 0x6f, 0x82, 0x9a, 0x00, 0x28, 0xbf, 0xfb,
  0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
  0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
]);

/**
 * The router 10.200.0.2's time exceeded for {@link TRACEROUTE_PROBE} (`ip_forward()`
 * -> `icmp_send(ICMP_TIME_EXCEEDED, ICMP_EXC_TTL)`): TOS 0xc0, no DF, id 0x2b7e, TTL
 * 64, quoting the whole 60-byte probe as received (TTL 1). Total length 88. IP checksum
 * 0x38d5, ICMP checksum 0x0acd.
 */
const TIME_EXCEEDED = new Uint8Array([
  0x45, 0xc0, 0x00, 0x58, 0x2b, 0x7e, 0x00, 0x00, 0x40, 0x01, 0x38, 0xd5,
  0x0a, 0xc8, 0x00, 0x02, 0x0a, 0xc8, 0x00, 0x01,
  // ICMP: time exceeded, TTL exceeded in transit, checksum, unused
  0x0b, 0x00, 0x0a, 0xcd, 0x00, 0x00, 0x00, 0x00,
  // the quoted probe
  0x45, 0x00, 0x00, 0x3c, 0x8a, 0x4c, 0x00, 0x00, 0x01, 0x11, 0x19, 0xd2,
  0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc9, 0x00, 0x02,
  0xb2, 0x6f, 0x82, 0x9a, 0x00, 0x28, 0xbf, 0xfb,
  0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
  0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
]);

const A = 0x0ac80001; // 10.200.0.1
const B = 0x0ac80002; // 10.200.0.2

/** The 56 data bytes of ping's echo: 0x00..0x37. */
const PING_DATA = new Uint8Array(56).map((_, i) => i);

function expectIcmp(v: IcmpPacket | IcmpError): IcmpPacket {
  if (isIcmpError(v)) throw new Error(`expected a message, got ${JSON.stringify(v)}`);
  return v;
}

function expectRepr(v: IcmpRepr | IcmpError): IcmpRepr {
  if (isIcmpError(v)) throw new Error(`expected a repr, got ${JSON.stringify(v)}`);
  return v;
}

function expectIp(v: Ipv4Packet | Ipv4Error): Ipv4Packet {
  if (isIpv4Error(v)) throw new Error(`expected an IPv4 packet, got ${JSON.stringify(v)}`);
  return v;
}

function expectIpRepr(v: Ipv4Repr | Ipv4Error): Ipv4Repr {
  if (isIpv4Error(v)) throw new Error(`expected an IPv4 repr, got ${JSON.stringify(v)}`);
  return v;
}

/** The ICMP message inside a golden IPv4 packet, checked. */
function icmpOf(packet: Uint8Array): IcmpPacket {
  const ip = expectIp(Ipv4Packet.check(packet));
  expect(ip.protocol).toBe(IPPROTO_ICMP);
  return expectIcmp(IcmpPacket.check(ip.payload));
}

/** Builds a whole packet as the output path does: IPv4 header, then the ICMP message, each emitted. */
function emitPacket(ip: Omit<Ipv4Repr, 'payloadLength'>, icmp: IcmpRepr): Uint8Array {
  const ipRepr: Ipv4Repr = { ...ip, payloadLength: icmpBufferLength(icmp) };
  const bytes = new Uint8Array(ipv4BufferLength(ipRepr));
  emitIpv4Header(ipRepr, bytes);
  emitIcmp(icmp, bytes, IPV4_HEADER_LENGTH);
  return bytes;
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

/** Sets a message's checksum field right, for messages a test built or altered on purpose. */
function fixChecksum(message: Uint8Array): Uint8Array {
  message[2] = 0;
  message[3] = 0;
  const checksum = internetChecksum(message, 0, message.length);
  message[2] = checksum >>> 8;
  message[3] = checksum & 0xff;
  return message;
}

describe('constants', () => {
  it('match include/uapi/linux/icmp.h', () => {
    expect(ICMP_HEADER_LENGTH).toBe(8);
    expect(ICMP_ECHOREPLY).toBe(0);
    expect(ICMP_DEST_UNREACH).toBe(3);
    expect(ICMP_ECHO).toBe(8);
    expect(ICMP_TIME_EXCEEDED).toBe(11);
    expect(ICMP_NET_UNREACH).toBe(0);
    expect(ICMP_HOST_UNREACH).toBe(1);
    expect(ICMP_PROT_UNREACH).toBe(2);
    expect(ICMP_PORT_UNREACH).toBe(3);
    expect(ICMP_FRAG_NEEDED).toBe(4);
    expect(ICMP_EXC_TTL).toBe(0);
    expect(ICMP_EXC_FRAGTIME).toBe(1);
  });
});

describe('golden packet: echo request (ping default size)', () => {
  const ipRepr = {
    source: A,
    destination: B,
    protocol: IPPROTO_ICMP,
    ttl: 64,
    tos: 0,
    identification: 0x4a6f,
    dontFragment: true,
    moreFragments: false,
    fragmentOffset: 0,
  };
  const repr: IcmpRepr = { kind: 'echo-request', identifier: 0x1234, sequence: 1, data: PING_DATA };

  it('is 84 bytes: 20 IP + 8 ICMP + 56 data', () => {
    expect(ECHO_REQUEST.length).toBe(84);
    expect(icmpBufferLength(repr)).toBe(64);
    expect(expectIp(Ipv4Packet.check(ECHO_REQUEST)).totalLength).toBe(84);
  });

  it('decodes through the checked view, every field', () => {
    const icmp = icmpOf(ECHO_REQUEST);
    expect(icmp.type).toBe(ICMP_ECHO);
    expect(icmp.code).toBe(0);
    expect(icmp.checksum).toBe(0xeeb7);
    expect(icmp.identifier).toBe(0x1234);
    expect(icmp.sequence).toBe(1);
    expect(icmp.data.length).toBe(56);
    expect(Array.from(icmp.data)).toEqual(Array.from(PING_DATA));
    expect(icmp.bytes.byteOffset).toBe(ECHO_REQUEST.byteOffset + 20);
  });

  it('parses into a repr', () => {
    expect(parseIcmp(ECHO_REQUEST.subarray(20))).toEqual(repr);
    expect(parseIpv4Header(ECHO_REQUEST)).toEqual({ ...ipRepr, payloadLength: 64 });
  });

  it('emits back to the same bytes', () => {
    expect(Array.from(emitPacket(ipRepr, repr))).toEqual(Array.from(ECHO_REQUEST));
  });
});

describe('golden packet: echo reply', () => {
  const ipRepr = {
    source: B,
    destination: A,
    protocol: IPPROTO_ICMP,
    ttl: 64,
    tos: 0,
    identification: 0xe3b1,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
  };

  it('decodes through the checked view, every field', () => {
    const icmp = icmpOf(ECHO_REPLY);
    expect(icmp.type).toBe(ICMP_ECHOREPLY);
    expect(icmp.code).toBe(0);
    expect(icmp.checksum).toBe(0xf6b7);
    expect(icmp.identifier).toBe(0x1234);
    expect(icmp.sequence).toBe(1);
    expect(Array.from(icmp.data)).toEqual(Array.from(PING_DATA));
  });

  it('parses into a repr', () => {
    expect(parseIcmp(ECHO_REPLY.subarray(20))).toEqual({
      kind: 'echo-reply',
      identifier: 0x1234,
      sequence: 1,
      data: PING_DATA,
    });
  });

  it('is what icmp_echo() builds from the request: emitted back to the same bytes', () => {
    const request = expectRepr(parseIcmp(expectIp(Ipv4Packet.check(ECHO_REQUEST)).payload));
    if (request.kind !== 'echo-request') throw new Error(`not an echo request: ${request.kind}`);
    const reply: IcmpRepr = { ...request, kind: 'echo-reply' };
    expect(Array.from(emitPacket(ipRepr, reply))).toEqual(Array.from(ECHO_REPLY));
  });

  it('can be emitted in place over the request, its data a view of the same buffer', () => {
    const bytes = ECHO_REQUEST.slice(20);
    const request = expectRepr(parseIcmp(bytes));
    if (request.kind !== 'echo-request') throw new Error(`not an echo request: ${request.kind}`);
    expect(request.data.buffer).toBe(bytes.buffer);
    emitIcmp({ ...request, kind: 'echo-reply' }, bytes);
    expect(Array.from(bytes)).toEqual(Array.from(ECHO_REPLY.subarray(20)));
  });
});

describe('golden packet: port unreachable quoting a UDP datagram', () => {
  const ipRepr = {
    source: B,
    destination: A,
    protocol: IPPROTO_ICMP,
    ttl: 64,
    tos: 0xc0,
    identification: 0x1f5a,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
  };

  it('decodes through the checked view, every field', () => {
    expect(expectIp(Ipv4Packet.check(PORT_UNREACHABLE)).totalLength).toBe(56);
    const icmp = icmpOf(PORT_UNREACHABLE);
    expect(icmp.type).toBe(ICMP_DEST_UNREACH);
    expect(icmp.code).toBe(ICMP_PORT_UNREACH);
    expect(icmp.checksum).toBe(0x12a9);
    expect(icmp.mtu).toBe(0);
    expect(Array.from(icmp.data)).toEqual(Array.from(UDP_DATAGRAM));
  });

  it('parses into a repr whose original is the datagram: header + 8 bytes, readable as IPv4', () => {
    const repr = expectRepr(parseIcmp(PORT_UNREACHABLE.subarray(20)));
    expect(repr).toEqual({ kind: 'dest-unreachable', code: ICMP_PORT_UNREACH, original: UDP_DATAGRAM });
    expect('mtu' in repr).toBe(false);
    if (repr.kind !== 'dest-unreachable') throw new Error(repr.kind);
    const quoted = expectIpRepr(parseIpv4Header(repr.original));
    expect(quoted.protocol).toBe(IPPROTO_UDP);
    expect(quoted.source).toBe(A);
    expect(quoted.destination).toBe(B);
    expect(repr.original.length).toBe(20 + 8);
  });

  it('emits back to the same bytes', () => {
    const repr: IcmpRepr = { kind: 'dest-unreachable', code: ICMP_PORT_UNREACH, original: UDP_DATAGRAM };
    expect(Array.from(emitPacket(ipRepr, repr))).toEqual(Array.from(PORT_UNREACHABLE));
  });
});

describe('golden packet: time exceeded quoting a traceroute probe', () => {
  const ipRepr = {
    source: B,
    destination: A,
    protocol: IPPROTO_ICMP,
    ttl: 64,
    tos: 0xc0,
    identification: 0x2b7e,
    dontFragment: false,
    moreFragments: false,
    fragmentOffset: 0,
  };

  it('decodes through the checked view, every field', () => {
    expect(expectIp(Ipv4Packet.check(TIME_EXCEEDED)).totalLength).toBe(88);
    const icmp = icmpOf(TIME_EXCEEDED);
    expect(icmp.type).toBe(ICMP_TIME_EXCEEDED);
    expect(icmp.code).toBe(ICMP_EXC_TTL);
    expect(icmp.checksum).toBe(0x0acd);
    expect(Array.from(icmp.data)).toEqual(Array.from(TRACEROUTE_PROBE));
  });

  it('parses into a repr whose original is the probe as it arrived (TTL 1)', () => {
    const repr = expectRepr(parseIcmp(TIME_EXCEEDED.subarray(20)));
    expect(repr).toEqual({ kind: 'time-exceeded', code: ICMP_EXC_TTL, original: TRACEROUTE_PROBE });
    if (repr.kind !== 'time-exceeded') throw new Error(repr.kind);
    const probe = expectIp(Ipv4Packet.check(repr.original));
    expect(probe.ttl).toBe(1);
    expect(probe.destination).toBe(0x0ac90002);
  });

  it('emits back to the same bytes', () => {
    const repr: IcmpRepr = { kind: 'time-exceeded', code: ICMP_EXC_TTL, original: TRACEROUTE_PROBE };
    expect(Array.from(emitPacket(ipRepr, repr))).toEqual(Array.from(TIME_EXCEEDED));
  });
});

describe('fragmentation needed', () => {
  it('carries the next-hop MTU in bytes 6..7 and round trips', () => {
    const repr: IcmpRepr = {
      kind: 'dest-unreachable',
      code: ICMP_FRAG_NEEDED,
      mtu: 1400,
      original: UDP_DATAGRAM,
    };
    const bytes = new Uint8Array(icmpBufferLength(repr));
    emitIcmp(repr, bytes);
    expect(Array.from(bytes.subarray(0, 2))).toEqual([0x03, 0x04]);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0x00, 0x00, 0x05, 0x78]);
    expect(internetChecksum(bytes, 0, bytes.length)).toBe(0);
    const icmp = expectIcmp(IcmpPacket.check(bytes));
    expect(icmp.mtu).toBe(1400);
    expect(parseIcmp(bytes)).toEqual(repr);
  });

  it('sends 0 without an MTU (a pre-RFC 1191 router), which parses as mtu 0', () => {
    const bytes = new Uint8Array(8 + 28);
    emitIcmp({ kind: 'dest-unreachable', code: ICMP_FRAG_NEEDED, original: UDP_DATAGRAM }, bytes);
    expect(Array.from(bytes.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(parseIcmp(bytes)).toEqual({
      kind: 'dest-unreachable',
      code: ICMP_FRAG_NEEDED,
      mtu: 0,
      original: UDP_DATAGRAM,
    });
  });
});

describe('odd lengths', () => {
  it('an echo with 7 data bytes checksums over the padded last byte and round trips', () => {
    const repr: IcmpRepr = {
      kind: 'echo-request',
      identifier: 0xbeef,
      sequence: 0xffff,
      data: new Uint8Array([1, 2, 3, 4, 5, 6, 7]),
    };
    const bytes = new Uint8Array(icmpBufferLength(repr));
    expect(bytes.length).toBe(15);
    emitIcmp(repr, bytes);
    expect(internetChecksum(bytes, 0, 15)).toBe(0);
    expect(parseIcmp(bytes)).toEqual(repr);
  });
});

describe('IcmpPacket.check errors', () => {
  it('checksum: a changed byte, with the checksum it should have had', () => {
    const bytes = ECHO_REQUEST.slice(20);
    bytes[4] = 0x13; // id 0x1334: the sum grows by 0x0100
    expect(IcmpPacket.check(bytes)).toEqual({ kind: 'checksum', checksum: 0xeeb7, expected: 0xedb7 });
    expect(parseIcmp(bytes)).toEqual({ kind: 'checksum', checksum: 0xeeb7, expected: 0xedb7 });
    // Over the data too, not just the header.
    const data = ECHO_REQUEST.slice(20);
    data[63] = 0x38;
    expect(IcmpPacket.check(data)).toEqual({ kind: 'checksum', checksum: 0xeeb7, expected: 0xeeb6 });
    // A zero checksum is not "no checksum" in ICMP.
    const zero = ECHO_REQUEST.slice(20);
    zero[2] = 0;
    zero[3] = 0;
    expect(IcmpPacket.check(zero)).toEqual({ kind: 'checksum', checksum: 0, expected: 0xeeb7 });
  });

  it('checksum: also for a message too short to hold the header, as icmp_rcv() checks it first', () => {
    expect(IcmpPacket.check(new Uint8Array(0))).toEqual({ kind: 'checksum', checksum: 0, expected: 0xffff });
    expect(IcmpPacket.check(new Uint8Array([0x08]))).toEqual({ kind: 'checksum', checksum: 0, expected: 0xf7ff });
    expect(parseIcmp(new Uint8Array([0x08, 0x00, 0x12]))).toEqual({
      kind: 'checksum',
      checksum: 0x1200,
      expected: 0xf7ff,
    });
  });

  it('truncated: fewer than 8 bytes with a valid checksum', () => {
    expect(IcmpPacket.check(new Uint8Array([0x08, 0x00, 0xf7, 0xff]))).toEqual({ kind: 'truncated', length: 4 });
    expect(parseIcmp(new Uint8Array([0x08, 0x00, 0xf7, 0xff]))).toEqual({ kind: 'truncated', length: 4 });
    const seven = fixChecksum(ECHO_REQUEST.slice(20, 27));
    expect(IcmpPacket.check(seven)).toEqual({ kind: 'truncated', length: 7 });
    expect(IcmpPacket.check(new Uint8Array([0xff, 0xff]))).toEqual({ kind: 'truncated', length: 2 });
  });

  it('8 bytes exactly is a message with no data', () => {
    const bytes = new Uint8Array([0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01]);
    const icmp = expectIcmp(IcmpPacket.check(bytes));
    expect(icmp.data.length).toBe(0);
    expect(parseIcmp(bytes)).toEqual({
      kind: 'echo-request',
      identifier: 0x1234,
      sequence: 1,
      data: new Uint8Array(0),
    });
  });

  it('unsupported (parse only): types the repr does not represent, and echo with a code', () => {
    const timestamp = fixChecksum(new Uint8Array([13, 0, 0, 0, 0x12, 0x34, 0, 1, ...new Uint8Array(12)]));
    expect(isIcmpError(IcmpPacket.check(timestamp))).toBe(false);
    expect(parseIcmp(timestamp)).toEqual({ kind: 'unsupported', type: 13, code: 0 });
    const redirect = fixChecksum(new Uint8Array([5, 1, 0, 0, 10, 200, 0, 254, ...UDP_DATAGRAM]));
    expect(expectIcmp(IcmpPacket.check(redirect)).type).toBe(5);
    expect(parseIcmp(redirect)).toEqual({ kind: 'unsupported', type: 5, code: 1 });
    const echoCode = ECHO_REQUEST.slice(20);
    echoCode[1] = 1;
    fixChecksum(echoCode);
    expect(expectIcmp(IcmpPacket.check(echoCode)).code).toBe(1);
    expect(parseIcmp(echoCode)).toEqual({ kind: 'unsupported', type: ICMP_ECHO, code: 1 });
    const replyCode = ECHO_REPLY.slice(20);
    replyCode[1] = 7;
    expect(parseIcmp(fixChecksum(replyCode))).toEqual({ kind: 'unsupported', type: ICMP_ECHOREPLY, code: 7 });
  });

  it('dest-unreachable and time-exceeded take any code', () => {
    for (const code of [ICMP_NET_UNREACH, ICMP_HOST_UNREACH, ICMP_PROT_UNREACH, 13, 255]) {
      const repr: IcmpRepr = { kind: 'dest-unreachable', code, original: UDP_DATAGRAM };
      const bytes = new Uint8Array(icmpBufferLength(repr));
      emitIcmp(repr, bytes);
      expect(parseIcmp(bytes)).toEqual(repr);
    }
    const repr: IcmpRepr = { kind: 'time-exceeded', code: ICMP_EXC_FRAGTIME, original: UDP_DATAGRAM };
    const bytes = new Uint8Array(icmpBufferLength(repr));
    emitIcmp(repr, bytes);
    expect(Array.from(bytes.subarray(0, 2))).toEqual([11, 1]);
    expect(parseIcmp(bytes)).toEqual(repr);
  });

  it('never throws, whatever the bytes, and no accessor of a checked message throws', () => {
    const next = lcg(0x1c3);
    let messages = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const length = next() % 40;
      const bytes = new Uint8Array(length).map(() => next() & 0xff);
      if (length >= 2 && i % 2 === 0) {
        bytes[0] = [0, 3, 8, 11, 5][next() % 5] ?? 0;
        bytes[1] = next() % 6;
        if (length >= 4) fixChecksum(bytes);
      }
      const checked = IcmpPacket.check(bytes);
      const parsed = parseIcmp(bytes);
      kinds.add(parsed.kind);
      if (!isIcmpError(checked)) {
        messages++;
        expect(() => [
          checked.type,
          checked.code,
          checked.checksum,
          checked.identifier,
          checked.sequence,
          checked.mtu,
          checked.data,
          checked.bytes,
        ]).not.toThrow();
      } else {
        expect(parsed).toEqual(checked);
      }
    }
    expect(messages).toBeGreaterThan(100);
    expect([...kinds].sort()).toEqual([
      'checksum',
      'dest-unreachable',
      'echo-reply',
      'echo-request',
      'time-exceeded',
      'truncated',
      'unsupported',
    ]);
  });
});

describe('isIcmpError', () => {
  it('tells errors from messages, reprs and other values', () => {
    expect(isIcmpError({ kind: 'checksum', checksum: 0, expected: 1 })).toBe(true);
    expect(isIcmpError({ kind: 'truncated', length: 3 })).toBe(true);
    expect(isIcmpError({ kind: 'unsupported', type: 13, code: 0 })).toBe(true);
    expect(isIcmpError(icmpOf(ECHO_REQUEST))).toBe(false);
    for (const packet of [ECHO_REQUEST, ECHO_REPLY, PORT_UNREACHABLE, TIME_EXCEEDED]) {
      expect(isIcmpError(parseIcmp(packet.subarray(20)))).toBe(false);
    }
    expect(isIcmpError(null)).toBe(false);
    expect(isIcmpError('checksum')).toBe(false);
  });
});

describe('IcmpPacket.unchecked', () => {
  it('wraps bytes netstage emitted itself, and refuses fewer than 8', () => {
    const repr: IcmpRepr = { kind: 'echo-reply', identifier: 7, sequence: 2, data: new Uint8Array(4) };
    const bytes = new Uint8Array(icmpBufferLength(repr));
    emitIcmp(repr, bytes);
    const icmp = IcmpPacket.unchecked(bytes);
    expect(icmp.type).toBe(ICMP_ECHOREPLY);
    expect(icmp.identifier).toBe(7);
    expect(icmp.sequence).toBe(2);
    expect(() => IcmpPacket.unchecked(new Uint8Array(7))).toThrow(RangeError);
  });
});

describe('emitIcmp', () => {
  it('emits at an offset, leaving the rest of the buffer alone', () => {
    const repr: IcmpRepr = { kind: 'echo-request', identifier: 0x1234, sequence: 1, data: PING_DATA };
    const bytes = new Uint8Array(20 + 64 + 3).fill(0x99);
    emitIcmp(repr, bytes, 20);
    expect(Array.from(bytes.subarray(0, 20))).toEqual(new Array<number>(20).fill(0x99));
    expect(Array.from(bytes.subarray(20, 84))).toEqual(Array.from(ECHO_REQUEST.subarray(20)));
    expect(Array.from(bytes.subarray(84))).toEqual([0x99, 0x99, 0x99]);
  });

  it('zeroes the unused word of an error message', () => {
    const bytes = new Uint8Array(8 + 28).fill(0xee);
    emitIcmp({ kind: 'dest-unreachable', code: ICMP_PORT_UNREACH, original: UDP_DATAGRAM }, bytes);
    expect(Array.from(bytes.subarray(0, 36))).toEqual(Array.from(PORT_UNREACHABLE.subarray(20)));
  });

  it('refuses a bad repr or a short buffer, and leaves the buffer untouched', () => {
    const bytes = new Uint8Array(64);
    const original = UDP_DATAGRAM;
    const bad: IcmpRepr[] = [
      { kind: 'echo-request', identifier: 0x10000, sequence: 0, data: new Uint8Array(0) },
      { kind: 'echo-reply', identifier: 0, sequence: -1, data: new Uint8Array(0) },
      { kind: 'echo-reply', identifier: 0.5, sequence: 0, data: new Uint8Array(0) },
      { kind: 'dest-unreachable', code: 256, original },
      { kind: 'dest-unreachable', code: -1, original },
      { kind: 'dest-unreachable', code: ICMP_PORT_UNREACH, mtu: 1400, original },
      { kind: 'dest-unreachable', code: ICMP_FRAG_NEEDED, mtu: 0x10000, original },
      { kind: 'dest-unreachable', code: ICMP_FRAG_NEEDED, mtu: -1, original },
      { kind: 'time-exceeded', code: 256, original },
      { kind: 'bogus', code: 0, original } as unknown as IcmpRepr,
    ];
    for (const repr of bad) expect(() => emitIcmp(repr, bytes), JSON.stringify(repr)).toThrow(RangeError);
    const echo: IcmpRepr = { kind: 'echo-request', identifier: 1, sequence: 1, data: PING_DATA };
    expect(() => emitIcmp(echo, new Uint8Array(63))).toThrow(RangeError);
    expect(() => emitIcmp(echo, bytes, 1)).toThrow(RangeError);
    expect(() => emitIcmp(echo, bytes, -1)).toThrow(RangeError);
    const huge: IcmpRepr = { kind: 'echo-request', identifier: 1, sequence: 1, data: new Uint8Array(65535 - 20 - 8 + 1) };
    expect(() => emitIcmp(huge, new Uint8Array(70000))).toThrow(RangeError);
    expect(Array.from(bytes)).toEqual(new Array<number>(64).fill(0));
  });

  it('takes the largest message that fits in an IPv4 packet', () => {
    const repr: IcmpRepr = { kind: 'echo-request', identifier: 1, sequence: 1, data: new Uint8Array(65535 - 20 - 8) };
    const bytes = new Uint8Array(icmpBufferLength(repr));
    emitIcmp(repr, bytes);
    expect(isIcmpError(IcmpPacket.check(bytes))).toBe(false);
  });
});
