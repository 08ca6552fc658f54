/**
 * The IPv4 header on the wire: a typed view over a packet, a small repr to parse and
 * emit the 20-byte header, allocation-free readers and the in-place TTL decrement for
 * the forwarding path, and the fragment sizes of the output path.
 *
 * Bytes and meaning stay apart, as in smoltcp's `src/wire/ipv4.rs`: {@link Ipv4Packet}
 * is a thin view over a `Uint8Array` whose only way in for untrusted bytes is
 * {@link Ipv4Packet.check}; {@link Ipv4Repr} is a plain object that
 * {@link parseIpv4Header} reads and {@link emitIpv4Header} writes. Addresses are
 * numbers (see {@link ipv4ToString}).
 *
 * Errors: the receive-path entry points ({@link Ipv4Packet.check},
 * {@link parseIpv4Header}) never throw; they return an {@link Ipv4Error}, in the order
 * `ip_rcv_core()` tests, so the receive path can count each in the Linux MIB field it
 * belongs to. Functions whose preconditions the caller must already guarantee (a buffer
 * long enough, fields in range) throw `RangeError` when those are broken: that is a bug
 * in netstage, never a property of a received packet.
 *
 * Reassembly is not here: it keeps state, so it belongs to the stack.
 *
 * Mirrors `include/uapi/linux/ip.h`, `include/net/ip.h`, `net/ipv4/ip_input.c`
 * (`ip_rcv_core`) and `net/ipv4/ip_output.c` (`ip_fragment`, `ip_do_fragment`).
 *
 * @module
 */

import { assertField, assertRoom, readU16 as word, readU32 as dword, readU8 as octet } from '@netstage/core-net';
import { checksumAccumulate, internetChecksum, ipv4HeaderChecksum, readIpv4, writeIpv4 } from './checksum.js';

// ---------------------------------------------------------------------------------------
// Sizes and protocol numbers (include/uapi/linux/in.h)
// ---------------------------------------------------------------------------------------

/**
 * Octets in an IPv4 header without options: the only header {@link emitIpv4Header}
 * writes, and the least {@link Ipv4Packet.check} accepts.
 *
 * @remarks
 * `sizeof(struct iphdr)` in `include/uapi/linux/ip.h`; RFC 791 §3.1 (IHL 5).
 *
 * @example
 * ```ts
 * import { IPV4_HEADER_LENGTH } from '@netstage/ipv4';
 * IPV4_HEADER_LENGTH; // 20
 * ```
 */
export const IPV4_HEADER_LENGTH = 20;

/**
 * The protocol number of ICMP.
 *
 * @remarks
 * `IPPROTO_ICMP` in `include/uapi/linux/in.h`; RFC 792.
 *
 * @example
 * ```ts
 * import { IPPROTO_ICMP } from '@netstage/ipv4';
 * IPPROTO_ICMP; // 1
 * ```
 */
export const IPPROTO_ICMP = 1;

/**
 * The protocol number of TCP.
 *
 * @remarks
 * `IPPROTO_TCP` in `include/uapi/linux/in.h`; RFC 9293.
 *
 * @example
 * ```ts
 * import { IPPROTO_TCP } from '@netstage/ipv4';
 * IPPROTO_TCP; // 6
 * ```
 */
export const IPPROTO_TCP = 6;

/**
 * The protocol number of UDP.
 *
 * @remarks
 * `IPPROTO_UDP` in `include/uapi/linux/in.h`; RFC 768.
 *
 * @example
 * ```ts
 * import { IPPROTO_UDP } from '@netstage/ipv4';
 * IPPROTO_UDP; // 17
 * ```
 */
export const IPPROTO_UDP = 17;

/** The largest total length, header included: the field is 16 bits. */
const MAX_TOTAL_LENGTH = 0xffff;

/** The "don't fragment" flag in the `frag_off` field (`IP_DF`, `include/net/ip.h`). */
const IP_DF = 0x4000;
/** The "more fragments" flag in the `frag_off` field (`IP_MF`, `include/net/ip.h`). */
const IP_MF = 0x2000;
/** The fragment offset, in 8-byte units, in the `frag_off` field (`IP_OFFSET`). */
const IP_OFFSET = 0x1fff;
/** The largest fragment offset in bytes: 8191 units of 8. */
const MAX_FRAGMENT_OFFSET = IP_OFFSET * 8;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * Why bytes are not an IPv4 packet, in the order `ip_rcv_core()` tests:
 *
 * - `'truncated'`: fewer than {@link IPV4_HEADER_LENGTH} bytes (`length` of them);
 * - `'version'`: the version nibble is not 4;
 * - `'header-length'`: the IHL gives fewer than 20 bytes, or more than `length`;
 * - `'checksum'`: the header does not sum right; `checksum` is the field, `expected`
 *   what it should have been;
 * - `'total-length'`: the total length is less than the header length, or more than
 *   the `length` bytes there are.
 *
 * @remarks
 * A receive path counts these and drops the packet; they are never thrown. In Linux
 * (`net/ipv4/ip_input.c`) `'checksum'` counts `InCsumErrors` and `InHdrErrors`, a total
 * length beyond the buffer counts `InTruncatedPkts`, and every other error
 * `InHdrErrors`; a short buffer (`'truncated'`) is `InHdrErrors` too.
 *
 * @example
 * ```ts
 * import type { Ipv4Error } from '@netstage/ipv4';
 * const e: Ipv4Error = { kind: 'total-length', totalLength: 84, headerLength: 20, length: 60 };
 * ```
 */
export type Ipv4Error =
  | { readonly kind: 'truncated'; readonly length: number }
  | { readonly kind: 'version'; readonly version: number }
  | { readonly kind: 'header-length'; readonly headerLength: number; readonly length: number }
  | { readonly kind: 'checksum'; readonly checksum: number; readonly expected: number }
  | {
      readonly kind: 'total-length';
      readonly totalLength: number;
      readonly headerLength: number;
      readonly length: number;
    };

/** Every `kind` an {@link Ipv4Error} can have. */
const IPV4_ERROR_KINDS: ReadonlySet<string> = new Set([
  'truncated',
  'version',
  'header-length',
  'checksum',
  'total-length',
]);

/**
 * Whether a value is an {@link Ipv4Error}. Narrows the result of
 * {@link Ipv4Packet.check} and {@link parseIpv4Header}.
 *
 * @example
 * ```ts
 * import { Ipv4Packet, isIpv4Error } from '@netstage/ipv4';
 * isIpv4Error(Ipv4Packet.check(new Uint8Array(19))); // true
 * ```
 */
export function isIpv4Error(value: unknown): value is Ipv4Error {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && IPV4_ERROR_KINDS.has(kind);
}

// ---------------------------------------------------------------------------------------
// Field offsets and the allocation-free readers
// ---------------------------------------------------------------------------------------

/** Where each header field starts (`struct iphdr` in `include/uapi/linux/ip.h`). */
const field = {
  /** `version` (high nibble) and `ihl` (low nibble, in 4-byte words). */
  VERSION_IHL: 0,
  /** `tos`: DSCP (high 6 bits) and ECN (low 2 bits). */
  TOS: 1,
  /** `tot_len`: 2 bytes, big-endian, header included. */
  TOTAL_LENGTH: 2,
  /** `id`: 2 bytes, big-endian. */
  IDENTIFICATION: 4,
  /** `frag_off`: flags (high 3 bits) and offset in 8-byte units (low 13), big-endian. */
  FRAGMENT: 6,
  /** `ttl`: 1 byte. */
  TTL: 8,
  /** `protocol`: 1 byte. */
  PROTOCOL: 9,
  /** `check`: 2 bytes, big-endian. */
  CHECKSUM: 10,
  /** `saddr`: 4 bytes. */
  SOURCE: 12,
  /** `daddr`: 4 bytes. */
  DESTINATION: 16,
  /** Options, if the IHL says so, run from here to the header length. */
  OPTIONS: 20,
} as const;

/**
 * The source address of the header at `offset`, which the caller has already checked.
 * Allocates nothing.
 *
 * @remarks
 * `ip_hdr(skb)->saddr`, converted from network byte order.
 *
 * @throws RangeError if {@link IPV4_HEADER_LENGTH} bytes do not fit at `offset`: the
 * caller skipped the check.
 *
 * @example
 * ```ts
 * import { ipv4Source, ipv4ToString } from '@netstage/ipv4';
 * const header = new Uint8Array(20);
 * header.set([10, 200, 0, 1], 12);
 * ipv4ToString(ipv4Source(header, 0)); // '10.200.0.1'
 * ```
 */
export function ipv4Source(bytes: Uint8Array, offset = 0): number {
  assertRoom(bytes, offset, IPV4_HEADER_LENGTH);
  return readIpv4(bytes, offset + field.SOURCE);
}

/**
 * The destination address of the header at `offset`, which the caller has already
 * checked. Allocates nothing.
 *
 * @remarks
 * `ip_hdr(skb)->daddr`, converted from network byte order: what `ip_route_input()`
 * looks up.
 *
 * @throws RangeError if {@link IPV4_HEADER_LENGTH} bytes do not fit at `offset`: the
 * caller skipped the check.
 *
 * @example
 * ```ts
 * import { ipv4Destination, ipv4ToString } from '@netstage/ipv4';
 * const header = new Uint8Array(20);
 * header.set([10, 200, 0, 2], 16);
 * ipv4ToString(ipv4Destination(header, 0)); // '10.200.0.2'
 * ```
 */
export function ipv4Destination(bytes: Uint8Array, offset = 0): number {
  assertRoom(bytes, offset, IPV4_HEADER_LENGTH);
  return readIpv4(bytes, offset + field.DESTINATION);
}

/**
 * The protocol number of the header at `offset`, which the caller has already checked.
 * Allocates nothing.
 *
 * @remarks
 * `ip_hdr(skb)->protocol`: what `ip_protocol_deliver_rcu()` demultiplexes on.
 *
 * @throws RangeError if {@link IPV4_HEADER_LENGTH} bytes do not fit at `offset`: the
 * caller skipped the check.
 *
 * @example
 * ```ts
 * import { IPPROTO_UDP, ipv4Protocol } from '@netstage/ipv4';
 * const header = new Uint8Array(20);
 * header[9] = 17;
 * ipv4Protocol(header, 0) === IPPROTO_UDP; // true
 * ```
 */
export function ipv4Protocol(bytes: Uint8Array, offset = 0): number {
  assertRoom(bytes, offset, IPV4_HEADER_LENGTH);
  return octet(bytes, offset + field.PROTOCOL);
}

/**
 * The time to live of the header at `offset`, which the caller has already checked.
 * Allocates nothing.
 *
 * @remarks
 * `ip_hdr(skb)->ttl`: `ip_forward()` drops (and sends time exceeded) when it is 1 or
 * less.
 *
 * @throws RangeError if {@link IPV4_HEADER_LENGTH} bytes do not fit at `offset`: the
 * caller skipped the check.
 *
 * @example
 * ```ts
 * import { ipv4Ttl } from '@netstage/ipv4';
 * const header = new Uint8Array(20);
 * header[8] = 64;
 * ipv4Ttl(header, 0); // 64
 * ```
 */
export function ipv4Ttl(bytes: Uint8Array, offset = 0): number {
  assertRoom(bytes, offset, IPV4_HEADER_LENGTH);
  return octet(bytes, offset + field.TTL);
}

/**
 * Decrements the TTL of the header at `offset` in place and updates the header checksum
 * incrementally, as a router does; returns the new TTL. Allocates nothing.
 *
 * @remarks
 * `ip_decrease_ttl()` in `include/net/ip.h`, word for word: the TTL is the high byte of
 * the 16-bit word it shares with the protocol, so taking one from it adds `0x0100` to
 * the checksum in one's-complement arithmetic (RFC 1624 eqn. 3, RFC 1141), with the
 * carry folded back in. Like Linux it gives `0x0000`, never `0xffff`, for a checksum of
 * zero, which `ip_fast_csum()` (and {@link internetChecksum}) accept. `ip_forward()`
 * calls it only when the TTL is above 1.
 *
 * @throws RangeError if {@link IPV4_HEADER_LENGTH} bytes do not fit at `offset`, or the
 * TTL is already 0 (the caller skipped `ip_forward()`'s test; Linux would wrap to 255
 * with a wrong checksum).
 *
 * @example
 * ```ts
 * import { decrementTtl, internetChecksum } from '@netstage/ipv4';
 * const header = new Uint8Array([
 *   0x45, 0x00, 0x00, 0x54, 0x4a, 0x6f, 0x40, 0x00, 0x40, 0x01, 0xda, 0xa7,
 *   0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc8, 0x00, 0x02,
 * ]);
 * decrementTtl(header, 0);           // 63
 * header.subarray(10, 12);           // Uint8Array [0xdb, 0xa7]
 * internetChecksum(header, 0, 20);   // 0: still valid
 * ```
 */
export function decrementTtl(bytes: Uint8Array, offset = 0): number {
  assertRoom(bytes, offset, IPV4_HEADER_LENGTH);
  const ttl = octet(bytes, offset + field.TTL);
  if (ttl === 0) throw new RangeError('cannot decrement a TTL of 0');
  const check = word(bytes, offset + field.CHECKSUM) + 0x0100;
  const folded = (check + (check >= 0xffff ? 1 : 0)) & 0xffff;
  bytes[offset + field.CHECKSUM] = folded >>> 8;
  bytes[offset + field.CHECKSUM + 1] = folded & 0xff;
  bytes[offset + field.TTL] = ttl - 1;
  return ttl - 1;
}

// ---------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------

/**
 * The header checksum the bytes should carry: the complement of the sum of the header
 * with its checksum field left out (both pieces have even lengths, so they chain).
 */
function expectedChecksum(bytes: Uint8Array, headerLength: number): number {
  const head = checksumAccumulate(bytes, 0, field.CHECKSUM);
  const rest = field.CHECKSUM + 2;
  return internetChecksum(bytes, rest, headerLength - rest, head);
}

/** The first thing wrong with `bytes` as an IPv4 packet, in `ip_rcv_core()`'s order. */
function validate(bytes: Uint8Array, offset = 0): Ipv4Error | undefined {
  // Reads the header where it lies (no view), so a good packet costs no allocation.
  const length = bytes.length - offset;
  if (length < IPV4_HEADER_LENGTH) return { kind: 'truncated', length };
  const versionIhl = octet(bytes, offset + field.VERSION_IHL);
  const version = versionIhl >>> 4;
  if (version !== 4) return { kind: 'version', version };
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH || headerLength > length) {
    return { kind: 'header-length', headerLength, length };
  }
  const bad = headerLength === IPV4_HEADER_LENGTH ? ipv4HeaderChecksum(bytes, offset) !== 0 : internetChecksum(bytes, offset, headerLength) !== 0;
  if (bad) {
    const header = bytes.subarray(offset);
    return {
      kind: 'checksum',
      checksum: word(header, field.CHECKSUM),
      expected: expectedChecksum(header, headerLength),
    };
  }
  const totalLength = word(bytes, offset + field.TOTAL_LENGTH);
  if (totalLength > length || totalLength < headerLength) {
    return { kind: 'total-length', totalLength, headerLength, length };
  }
  return undefined;
}

/**
 * Checks the IPv4 header at `offset` in place, as {@link Ipv4Packet.check} checks a
 * packet's bytes, and returns its total length, or what is wrong with it. The packet is
 * taken to run from `offset` to the end of `bytes`. Allocates nothing for a good packet.
 *
 * @remarks
 * `ip_rcv_core()` in `net/ipv4/ip_input.c` on the skb as it arrives, link header still in
 * front: the receive path checks the frame where it lies instead of making a view and a
 * packet object per datagram. The checks, their order and the error returned are those
 * of {@link Ipv4Packet.check} on `bytes.subarray(offset)`; the header checksum is
 * always verified.
 *
 * @throws RangeError if `offset` is not an integer in `[0, bytes.length]`: a bug in the
 * caller.
 *
 * @example
 * ```ts
 * import { IPPROTO_UDP, checkIpv4At, emitIpv4Header } from '@netstage/ipv4';
 * const frame = new Uint8Array(14 + 28);
 * emitIpv4Header({
 *   source: 0x0ac80001, destination: 0x0ac80002, protocol: IPPROTO_UDP, ttl: 64, tos: 0,
 *   identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0,
 *   payloadLength: 8,
 * }, frame, 14);
 * checkIpv4At(frame, 14);                  // 28
 * checkIpv4At(frame.subarray(0, 30), 14); // { kind: 'truncated', length: 16 }
 * ```
 */
export function checkIpv4At(bytes: Uint8Array, offset: number): number | Ipv4Error {
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new RangeError(`offset must be an integer in [0, ${bytes.length}], got ${offset}`);
  }
  return validate(bytes, offset) ?? word(bytes, offset + field.TOTAL_LENGTH);
}

// ---------------------------------------------------------------------------------------
// The packet view
// ---------------------------------------------------------------------------------------

/**
 * A read-only typed view over the bytes of one IPv4 packet, options and all.
 *
 * Untrusted bytes come in only through {@link Ipv4Packet.check}; after it succeeds no
 * accessor can throw. Nothing is copied: {@link Ipv4Packet.payload} and
 * {@link Ipv4Packet.options} are `subarray`s of the same memory, and the payload stops
 * at the total length, so link-layer padding after it is not part of it.
 *
 * @remarks
 * The view over `struct iphdr` (`include/uapi/linux/ip.h`) that `ip_rcv_core()` in
 * `net/ipv4/ip_input.c` validates and trims (`pskb_trim_rcsum`). On hot paths where even
 * one small object per packet matters, use {@link ipv4Source}, {@link ipv4Destination},
 * {@link ipv4Protocol} and {@link ipv4Ttl} on the checked buffer instead.
 *
 * @example
 * ```ts
 * import { IPPROTO_ICMP, Ipv4Packet, ipv4ToString, isIpv4Error } from '@netstage/ipv4';
 * const bytes = new Uint8Array([
 *   0x45, 0x00, 0x00, 0x1c, 0x4a, 0x6f, 0x40, 0x00, 0x40, 0x01, 0xda, 0xdf,
 *   0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc8, 0x00, 0x02,
 *   0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01,
 * ]);
 * const packet = Ipv4Packet.check(bytes);
 * if (!isIpv4Error(packet)) {
 *   ipv4ToString(packet.destination);    // '10.200.0.2'
 *   packet.protocol === IPPROTO_ICMP;    // true
 *   packet.dontFragment;                 // true
 *   packet.payload.length;               // 8
 * }
 * ```
 */
export class Ipv4Packet {
  /** The bytes given: header, payload, and any padding after the total length. */
  readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /**
   * Wraps untrusted bytes, or says why they are not an IPv4 packet (see
   * {@link Ipv4Error}). Never throws.
   *
   * @example
   * ```ts
   * import { Ipv4Packet } from '@netstage/ipv4';
   * Ipv4Packet.check(new Uint8Array(19)); // { kind: 'truncated', length: 19 }
   * const v6 = new Uint8Array(20);
   * v6[0] = 0x60;
   * Ipv4Packet.check(v6);                 // { kind: 'version', version: 6 }
   * ```
   */
  static check(bytes: Uint8Array): Ipv4Packet | Ipv4Error {
    return validate(bytes) ?? new Ipv4Packet(bytes);
  }

  /**
   * Wraps bytes without checking their contents: only for bytes netstage produced
   * itself, such as a buffer it just filled with {@link emitIpv4Header}. The accessors
   * then read whatever is there, and never throw.
   *
   * @throws RangeError if `bytes` is shorter than {@link IPV4_HEADER_LENGTH}: a bug in
   * the caller.
   *
   * @example
   * ```ts
   * import { IPPROTO_UDP, Ipv4Packet, emitIpv4Header, ipv4BufferLength } from '@netstage/ipv4';
   * const repr = {
   *   source: 0x0ac80001, destination: 0x0ac80002, protocol: IPPROTO_UDP, ttl: 64, tos: 0,
   *   identification: 1, dontFragment: true, moreFragments: false, fragmentOffset: 0,
   *   payloadLength: 8,
   * };
   * const bytes = new Uint8Array(ipv4BufferLength(repr));
   * emitIpv4Header(repr, bytes);
   * Ipv4Packet.unchecked(bytes).totalLength; // 28
   * ```
   */
  static unchecked(bytes: Uint8Array): Ipv4Packet {
    assertRoom(bytes, 0, IPV4_HEADER_LENGTH);
    return new Ipv4Packet(bytes);
  }

  /** The version (high nibble of byte 0): 4 once checked. */
  get version(): number {
    return octet(this.bytes, field.VERSION_IHL) >>> 4;
  }

  /** The header length in bytes, options included: the IHL (low nibble of byte 0) × 4. */
  get headerLength(): number {
    return (octet(this.bytes, field.VERSION_IHL) & 0x0f) * 4;
  }

  /** The type-of-service byte (`tos`, offset 1): DSCP and ECN together. */
  get tos(): number {
    return octet(this.bytes, field.TOS);
  }

  /** The differentiated services code point: the high 6 bits of `tos` (RFC 2474). */
  get dscp(): number {
    return octet(this.bytes, field.TOS) >>> 2;
  }

  /** The ECN field: the low 2 bits of `tos` (RFC 3168; `INET_ECN_MASK`). */
  get ecn(): number {
    return octet(this.bytes, field.TOS) & 0x03;
  }

  /** The total length in bytes, header included (`tot_len`, offset 2). */
  get totalLength(): number {
    return word(this.bytes, field.TOTAL_LENGTH);
  }

  /** The identification (`id`, offset 4). */
  get identification(): number {
    return word(this.bytes, field.IDENTIFICATION);
  }

  /** Whether the "don't fragment" flag is set (`IP_DF`). */
  get dontFragment(): boolean {
    return (word(this.bytes, field.FRAGMENT) & IP_DF) !== 0;
  }

  /** Whether the "more fragments" flag is set (`IP_MF`). */
  get moreFragments(): boolean {
    return (word(this.bytes, field.FRAGMENT) & IP_MF) !== 0;
  }

  /** Where this fragment's data starts in the original payload, in bytes (`IP_OFFSET` × 8). */
  get fragmentOffset(): number {
    return (word(this.bytes, field.FRAGMENT) & IP_OFFSET) * 8;
  }

  /** The time to live (`ttl`, offset 8). */
  get ttl(): number {
    return octet(this.bytes, field.TTL);
  }

  /** The protocol number (`protocol`, offset 9), such as {@link IPPROTO_ICMP}. */
  get protocol(): number {
    return octet(this.bytes, field.PROTOCOL);
  }

  /** The header checksum as sent (`check`, offset 10): valid once checked. */
  get checksum(): number {
    return word(this.bytes, field.CHECKSUM);
  }

  /** The source address (`saddr`, offset 12), a 32-bit number. */
  get source(): number {
    return dword(this.bytes, field.SOURCE);
  }

  /** The destination address (`daddr`, offset 16), a 32-bit number. */
  get destination(): number {
    return dword(this.bytes, field.DESTINATION);
  }

  /** The options, from byte 20 to the header length: a view, empty for IHL 5. */
  get options(): Uint8Array {
    return this.bytes.subarray(field.OPTIONS, this.headerLength);
  }

  /**
   * The payload, from the header length to the total length: options skipped, padding
   * after the total length left out. A view of the same bytes, never a copy.
   */
  get payload(): Uint8Array {
    return this.bytes.subarray(this.headerLength, this.totalLength);
  }
}

// ---------------------------------------------------------------------------------------
// The repr
// ---------------------------------------------------------------------------------------

/**
 * The meaning of an IPv4 header, without the bytes and without options.
 *
 * @remarks
 * The fields of `struct iphdr` a sender chooses, as `__ip_make_skb()` and
 * `ip_build_and_send_pkt()` fill them; smoltcp's `Ipv4Repr`. Addresses are 32-bit
 * numbers; `fragmentOffset` is in bytes (a multiple of 8); `payloadLength` is the total
 * length less the header length. The reserved flag bit (`IP_CE`) and any options are
 * not represented: {@link parseIpv4Header} drops them and {@link emitIpv4Header} writes
 * neither.
 *
 * @example
 * ```ts
 * import { IPPROTO_ICMP, type Ipv4Repr } from '@netstage/ipv4';
 * const repr: Ipv4Repr = {
 *   source: 0x0ac80001, destination: 0x0ac80002, protocol: IPPROTO_ICMP, ttl: 64, tos: 0,
 *   identification: 0x4a6f, dontFragment: true, moreFragments: false, fragmentOffset: 0,
 *   payloadLength: 64,
 * };
 * ```
 */
export interface Ipv4Repr {
  /** Source address, a 32-bit number. */
  source: number;
  /** Destination address, a 32-bit number. */
  destination: number;
  /** Protocol number, 0..255. */
  protocol: number;
  /** Time to live, 0..255. */
  ttl: number;
  /** Type-of-service byte (DSCP and ECN), 0..255. */
  tos: number;
  /** Identification, 0..0xffff. */
  identification: number;
  /** The "don't fragment" flag. */
  dontFragment: boolean;
  /** The "more fragments" flag. */
  moreFragments: boolean;
  /** Offset of this fragment's data in bytes: a multiple of 8, at most 65528. */
  fragmentOffset: number;
  /** Bytes after the header: total length less header length. */
  payloadLength: number;
}

/**
 * Checks untrusted bytes as {@link Ipv4Packet.check} does and reads the header into a
 * repr, or says why they are not an IPv4 packet. Never throws. Options are skipped.
 *
 * @remarks
 * The checks of `ip_rcv_core()` in `net/ipv4/ip_input.c`, then the fields of
 * `struct iphdr`.
 *
 * @example
 * ```ts
 * import { isIpv4Error, parseIpv4Header } from '@netstage/ipv4';
 * const repr = parseIpv4Header(new Uint8Array([
 *   0x45, 0x00, 0x00, 0x1c, 0x4a, 0x6f, 0x40, 0x00, 0x40, 0x01, 0xda, 0xdf,
 *   0x0a, 0xc8, 0x00, 0x01, 0x0a, 0xc8, 0x00, 0x02,
 *   0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01,
 * ]));
 * if (!isIpv4Error(repr)) repr.payloadLength; // 8
 * ```
 */
export function parseIpv4Header(bytes: Uint8Array): Ipv4Repr | Ipv4Error {
  const error = validate(bytes);
  if (error !== undefined) return error;
  const headerLength = (octet(bytes, field.VERSION_IHL) & 0x0f) * 4;
  const fragment = word(bytes, field.FRAGMENT);
  return {
    source: dword(bytes, field.SOURCE),
    destination: dword(bytes, field.DESTINATION),
    protocol: octet(bytes, field.PROTOCOL),
    ttl: octet(bytes, field.TTL),
    tos: octet(bytes, field.TOS),
    identification: word(bytes, field.IDENTIFICATION),
    dontFragment: (fragment & IP_DF) !== 0,
    moreFragments: (fragment & IP_MF) !== 0,
    fragmentOffset: (fragment & IP_OFFSET) * 8,
    payloadLength: word(bytes, field.TOTAL_LENGTH) - headerLength,
  };
}

/**
 * Writes the 20-byte header of `repr` (IHL 5, no options) into `bytes` at `offset`,
 * checksum included. The payload is the caller's: it goes at `offset + 20`.
 *
 * @remarks
 * What `__ip_make_skb()` fills in and `ip_send_check()` (`ip_fast_csum()`) completes in
 * `net/ipv4/ip_output.c`. Build an outgoing packet by emitting into a buffer of exactly
 * {@link ipv4BufferLength} bytes.
 *
 * @throws RangeError if a field is out of range (addresses 32-bit; protocol, TTL and TOS
 * 8-bit; identification 16-bit; fragment offset a multiple of 8 up to 65528; total
 * length at most 65535), or the header does not fit at `offset`. A refused emit leaves
 * `bytes` untouched.
 *
 * @example
 * ```ts
 * import { IPPROTO_ICMP, emitIpv4Header, ipv4BufferLength } from '@netstage/ipv4';
 * const repr = {
 *   source: 0x0ac80001, destination: 0x0ac80002, protocol: IPPROTO_ICMP, ttl: 64, tos: 0,
 *   identification: 0x4a6f, dontFragment: true, moreFragments: false, fragmentOffset: 0,
 *   payloadLength: 8,
 * };
 * const bytes = new Uint8Array(ipv4BufferLength(repr));
 * emitIpv4Header(repr, bytes);
 * bytes.subarray(0, 12); // 45 00 00 1c 4a 6f 40 00 40 01 da df (hex)
 * ```
 */
export function emitIpv4Header(repr: Ipv4Repr, bytes: Uint8Array, offset = 0): void {
  emitIpv4Fields(
    bytes,
    offset,
    repr.source,
    repr.destination,
    repr.protocol,
    repr.ttl,
    repr.tos,
    repr.identification,
    repr.dontFragment,
    repr.moreFragments,
    repr.fragmentOffset,
    repr.payloadLength,
  );
}

/**
 * {@link emitIpv4Header} with the fields as arguments instead of an {@link Ipv4Repr}:
 * the same checks, the same bytes, the same errors, and no object per packet.
 *
 * @remarks
 * For the send path (`__ip_local_out()` → `ip_send_check()` in `net/ipv4/ip_output.c`),
 * which writes one header per datagram: a repr object each time was a measurable share
 * of a UDP send. The header checksum is always computed.
 *
 * @throws RangeError as {@link emitIpv4Header} does; a refused emit leaves `bytes`
 * untouched.
 *
 * @example
 * ```ts
 * import { IPPROTO_UDP, emitIpv4Fields, ipv4Ttl } from '@netstage/ipv4';
 * const bytes = new Uint8Array(28);
 * emitIpv4Fields(bytes, 0, 0x0ac80001, 0x0ac80002, IPPROTO_UDP, 64, 0, 1, true, false, 0, 8);
 * ipv4Ttl(bytes, 0); // 64
 * ```
 */
export function emitIpv4Fields(
  bytes: Uint8Array,
  offset: number,
  source: number,
  destination: number,
  protocol: number,
  ttl: number,
  tos: number,
  identification: number,
  dontFragment: boolean,
  moreFragments: boolean,
  fragmentOffset: number,
  payloadLength: number,
): void {
  // Check everything before writing anything: a refused emit leaves `bytes` untouched.
  assertField('source', source, 0xffff_ffff);
  assertField('destination', destination, 0xffff_ffff);
  assertField('protocol', protocol, 0xff);
  assertField('ttl', ttl, 0xff);
  assertField('tos', tos, 0xff);
  assertField('identification', identification, 0xffff);
  assertField('fragmentOffset', fragmentOffset, MAX_FRAGMENT_OFFSET);
  if (fragmentOffset % 8 !== 0) {
    throw new RangeError(`fragmentOffset must be a multiple of 8, got ${fragmentOffset}`);
  }
  assertField('payloadLength', payloadLength, MAX_TOTAL_LENGTH - IPV4_HEADER_LENGTH);
  assertRoom(bytes, offset, IPV4_HEADER_LENGTH);

  const totalLength = IPV4_HEADER_LENGTH + payloadLength;
  const fragment = (dontFragment ? IP_DF : 0) | (moreFragments ? IP_MF : 0) | (fragmentOffset / 8);
  const o = offset;
  bytes[o + field.VERSION_IHL] = 0x45;
  bytes[o + field.TOS] = tos;
  bytes[o + field.TOTAL_LENGTH] = totalLength >>> 8;
  bytes[o + field.TOTAL_LENGTH + 1] = totalLength & 0xff;
  bytes[o + field.IDENTIFICATION] = identification >>> 8;
  bytes[o + field.IDENTIFICATION + 1] = identification & 0xff;
  bytes[o + field.FRAGMENT] = fragment >>> 8;
  bytes[o + field.FRAGMENT + 1] = fragment & 0xff;
  bytes[o + field.TTL] = ttl;
  bytes[o + field.PROTOCOL] = protocol;
  bytes[o + field.CHECKSUM] = 0;
  bytes[o + field.CHECKSUM + 1] = 0;
  writeIpv4(bytes, o + field.SOURCE, source);
  writeIpv4(bytes, o + field.DESTINATION, destination);
  const checksum = ipv4HeaderChecksum(bytes, o);
  bytes[o + field.CHECKSUM] = checksum >>> 8;
  bytes[o + field.CHECKSUM + 1] = checksum & 0xff;
}

/**
 * Octets the whole packet of `repr` takes: the 20-byte header plus its payload. This is
 * the total length {@link emitIpv4Header} writes.
 *
 * @remarks
 * `tot_len` as `__ip_local_out()` sets it (`iph_set_totlen(iph, skb->len)`).
 *
 * @example
 * ```ts
 * import { ipv4BufferLength } from '@netstage/ipv4';
 * ipv4BufferLength({
 *   source: 0x0ac80001, destination: 0x0ac80002, protocol: 1, ttl: 64, tos: 0,
 *   identification: 0, dontFragment: true, moreFragments: false, fragmentOffset: 0,
 *   payloadLength: 64,
 * }); // 84
 * ```
 */
export function ipv4BufferLength(repr: Ipv4Repr): number {
  return IPV4_HEADER_LENGTH + repr.payloadLength;
}

// ---------------------------------------------------------------------------------------
// Fragmentation (net/ipv4/ip_output.c)
// ---------------------------------------------------------------------------------------

/**
 * How the output path splits `payloadLength` bytes of payload for a link of `mtu`
 * bytes: the `[offset, length]` of each fragment's data, in order, offsets in bytes from
 * the start of the payload. Every fragment but the last carries a multiple of 8 bytes,
 * as many as fit beside a `headerLength`-byte header; a payload that fits whole is one
 * piece `[0, payloadLength]`.
 *
 * @remarks
 * The slow path of `ip_do_fragment()` in `net/ipv4/ip_output.c`: `mtu - hlen` bytes of
 * room per fragment, and `ip_frag_next()` takes `min(left, room)`, rounded down to a
 * multiple of 8 unless it is the rest. Every fragment keeps the first one's header
 * length, because `ip_options_fragment()` overwrites the options not to be copied with
 * `IPOPT_NOOP` instead of removing them. When the packet being split is itself a
 * fragment, add its own offset to each (Linux starts `state->offset` from it). Whether
 * to fragment at all (the DF flag, `ip_exceeds_mtu()`) is the caller's decision.
 *
 * @throws RangeError if `payloadLength` is not a non-negative integer, `headerLength`
 * not a multiple of 4 in `[20, 60]`, or `mtu` an integer leaving less than 8 bytes of
 * room when the payload does not fit whole (IPv4's minimum MTU of 68, RFC 791, always
 * leaves 8).
 *
 * @example
 * ```ts
 * import { fragmentOffsets } from '@netstage/ipv4';
 * fragmentOffsets(4000, 1500); // [[0, 1480], [1480, 1480], [2960, 1040]]
 * fragmentOffsets(1000, 1500); // [[0, 1000]]
 * ```
 */
export function fragmentOffsets(
  payloadLength: number,
  mtu: number,
  headerLength = IPV4_HEADER_LENGTH,
): Array<readonly [offset: number, length: number]> {
  assertField('payloadLength', payloadLength, Number.MAX_SAFE_INTEGER);
  if (!Number.isInteger(headerLength) || headerLength < 20 || headerLength > 60 || headerLength % 4 !== 0) {
    throw new RangeError(`headerLength must be a multiple of 4 in [20, 60], got ${headerLength}`);
  }
  if (!Number.isInteger(mtu)) throw new RangeError(`mtu must be an integer, got ${mtu}`);
  if (headerLength + payloadLength <= mtu) return [[0, payloadLength]];
  const room = mtu - headerLength;
  if (room < 8) {
    throw new RangeError(`an MTU of ${mtu} leaves no room for 8 bytes beside a ${headerLength}-byte header`);
  }
  const pieces: Array<readonly [number, number]> = [];
  let offset = 0;
  let left = payloadLength;
  while (left > 0) {
    let length = Math.min(left, room);
    if (length < left) length -= length % 8;
    pieces.push([offset, length]);
    offset += length;
    left -= length;
  }
  return pieces;
}
