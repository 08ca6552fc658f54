/**
 * ARP for Ethernet and IPv4 on the wire: a typed view over a packet and a small repr to
 * parse and emit its 28 bytes.
 *
 * Bytes and meaning stay apart, as in smoltcp's `src/wire/arp.rs`: {@link ArpPacket} is
 * a thin view over a `Uint8Array` whose only way in for untrusted bytes is
 * {@link ArpPacket.check}; {@link ArpRepr} is a plain object that {@link parseArp} reads
 * and {@link emitArp} writes. Only the one combination netstage speaks is accepted:
 * Ethernet hardware addresses (6 bytes) for IPv4 protocol addresses (4 bytes), and the
 * two operations, request and reply.
 *
 * Hardware addresses are 48-bit numbers, first octet most significant, exactly as
 * `@netstage/devices` reads them (`02:00:00:00:0a:01` is `0x02_0000_000a01`); protocol
 * addresses are 32-bit numbers (see {@link ipv4ToString}). This module reads the six
 * bytes itself rather than depend on the devices layer for it.
 *
 * Errors: the receive-path entry points ({@link ArpPacket.check}, {@link parseArp})
 * never throw; they return an {@link ArpError}. {@link emitArp} throws `RangeError` when
 * its repr or buffer is wrong: a bug in netstage, never a property of a received packet.
 *
 * Mirrors `include/uapi/linux/if_arp.h` and `net/ipv4/arp.c` (`arp_rcv`,
 * `arp_process`, `arp_create`).
 *
 * @module
 */

import { assertField, assertRoom, readU16 as word, readU8 as octet } from '@netstage/core-net';
import { writeIpv4 } from './checksum.js';

// ---------------------------------------------------------------------------------------
// Sizes and numbers (include/uapi/linux/if_arp.h)
// ---------------------------------------------------------------------------------------

/**
 * Octets in an ARP packet for Ethernet and IPv4: the 8-byte fixed part, then sender and
 * target hardware (6) and protocol (4) addresses.
 *
 * @remarks
 * `arp_hdr_len(dev)` in `include/linux/if_arp.h` for an Ethernet device:
 * `sizeof(struct arphdr) + 2 * (6 + 4)`. On the wire a NIC pads the frame to 60 bytes;
 * veth does not (see `ETH_ZLEN` in `@netstage/devices`).
 *
 * @example
 * ```ts
 * import { ARP_LENGTH } from '@netstage/ipv4';
 * ARP_LENGTH; // 28
 * ```
 */
export const ARP_LENGTH = 28;

/**
 * The hardware type of Ethernet (10 Mb and every later speed).
 *
 * @remarks
 * `ARPHRD_ETHER` in `include/uapi/linux/if_arp.h`; RFC 826, IANA "Hardware Types".
 *
 * @example
 * ```ts
 * import { ARPHRD_ETHER } from '@netstage/ipv4';
 * ARPHRD_ETHER; // 1
 * ```
 */
export const ARPHRD_ETHER = 1;

/**
 * The operation of an ARP request: "who has `targetIp`? tell `senderIp`".
 *
 * @remarks
 * `ARPOP_REQUEST` in `include/uapi/linux/if_arp.h`; RFC 826.
 *
 * @example
 * ```ts
 * import { ARPOP_REQUEST } from '@netstage/ipv4';
 * ARPOP_REQUEST; // 1
 * ```
 */
export const ARPOP_REQUEST = 1;

/**
 * The operation of an ARP reply: "`senderIp` is at `senderMac`".
 *
 * @remarks
 * `ARPOP_REPLY` in `include/uapi/linux/if_arp.h`; RFC 826.
 *
 * @example
 * ```ts
 * import { ARPOP_REPLY } from '@netstage/ipv4';
 * ARPOP_REPLY; // 2
 * ```
 */
export const ARPOP_REPLY = 2;

/**
 * The operations this module accepts: {@link ARPOP_REQUEST} or {@link ARPOP_REPLY}.
 *
 * @remarks
 * `arp_process()` in `net/ipv4/arp.c` drops every other `ar_op` (RARP's 3 and 4,
 * InARP's 8 and 9).
 *
 * @example
 * ```ts
 * import { ARPOP_REPLY, type ArpOperation } from '@netstage/ipv4';
 * const op: ArpOperation = ARPOP_REPLY;
 * ```
 */
export type ArpOperation = typeof ARPOP_REQUEST | typeof ARPOP_REPLY;

/** The protocol type of IPv4 (`ETH_P_IP`): ARP borrows the EtherType numbers. */
const PROTOCOL_IPV4 = 0x0800;
/** Octets in an Ethernet address (`ETH_ALEN`). */
const HARDWARE_LENGTH = 6;
/** Octets in an IPv4 address. */
const PROTOCOL_LENGTH = 4;
/** The largest 48-bit hardware address, `ff:ff:ff:ff:ff:ff`. */
const MAC_MAX = 0xffff_ffff_ffff;
/** 2^24: splits a 48-bit address into two 24-bit halves that bitwise operators can use. */
const HALF = 0x100_0000;

// ---------------------------------------------------------------------------------------
// Preconditions and byte access
// ---------------------------------------------------------------------------------------

/** The 6-byte hardware address at `index`, bounds-checked by the caller. */
function mac(bytes: Uint8Array, index: number): number {
  const hi = (octet(bytes, index) << 16) | (octet(bytes, index + 1) << 8) | octet(bytes, index + 2);
  const lo =
    (octet(bytes, index + 3) << 16) | (octet(bytes, index + 4) << 8) | octet(bytes, index + 5);
  return hi * HALF + lo;
}

/** Writes a 48-bit hardware address at `index`, both checked by the caller. */
function putMac(bytes: Uint8Array, index: number, address: number): void {
  const hi = Math.floor(address / HALF);
  const lo = address - hi * HALF;
  bytes[index] = hi >>> 16;
  bytes[index + 1] = (hi >>> 8) & 0xff;
  bytes[index + 2] = hi & 0xff;
  bytes[index + 3] = lo >>> 16;
  bytes[index + 4] = (lo >>> 8) & 0xff;
  bytes[index + 5] = lo & 0xff;
}

/** The 4-byte protocol address at `index`, bounds-checked by the caller. */
function ip(bytes: Uint8Array, index: number): number {
  return word(bytes, index) * 0x10000 + word(bytes, index + 2);
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * Why bytes are not an ARP packet for Ethernet and IPv4:
 *
 * - `'truncated'`: fewer than {@link ARP_LENGTH} bytes (`length` of them);
 * - `'hardware-type'`: `ar_hrd` is not {@link ARPHRD_ETHER};
 * - `'protocol-type'`: `ar_pro` is not IPv4 (`0x0800`);
 * - `'hardware-length'`: `ar_hln` is not 6;
 * - `'protocol-length'`: `ar_pln` is not 4;
 * - `'operation'`: `ar_op` is neither {@link ARPOP_REQUEST} nor {@link ARPOP_REPLY}.
 *
 * @remarks
 * A receive path drops these; they are never thrown. Linux drops them in `arp_rcv()`
 * (length, `ar_hln`, `ar_pln`) and `arp_process()` (types, operation) in
 * `net/ipv4/arp.c`, without a MIB counter. One difference: on an Ethernet device
 * `arp_process()` also takes hardware type 6 (`ARPHRD_IEEE802`, RFC 2625); here that is
 * a `'hardware-type'` error, since nothing netstage models sends it.
 *
 * @example
 * ```ts
 * import type { ArpError } from '@netstage/ipv4';
 * const e: ArpError = { kind: 'operation', operation: 3 };
 * ```
 */
export type ArpError =
  | { readonly kind: 'truncated'; readonly length: number }
  | { readonly kind: 'hardware-type'; readonly hardwareType: number }
  | { readonly kind: 'protocol-type'; readonly protocolType: number }
  | { readonly kind: 'hardware-length'; readonly hardwareLength: number }
  | { readonly kind: 'protocol-length'; readonly protocolLength: number }
  | { readonly kind: 'operation'; readonly operation: number };

/** Every `kind` an {@link ArpError} can have. */
const ARP_ERROR_KINDS: ReadonlySet<string> = new Set([
  'truncated',
  'hardware-type',
  'protocol-type',
  'hardware-length',
  'protocol-length',
  'operation',
]);

/**
 * Whether a value is an {@link ArpError}. Narrows the result of {@link ArpPacket.check}
 * and {@link parseArp}.
 *
 * @example
 * ```ts
 * import { ArpPacket, isArpError } from '@netstage/ipv4';
 * isArpError(ArpPacket.check(new Uint8Array(27))); // true
 * ```
 */
export function isArpError(value: unknown): value is ArpError {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && ARP_ERROR_KINDS.has(kind);
}

// ---------------------------------------------------------------------------------------
// The packet view
// ---------------------------------------------------------------------------------------

/** Where each field starts (`struct arphdr` and the Ethernet/IPv4 address block). */
const field = {
  /** `ar_hrd`: 2 bytes, big-endian. */
  HARDWARE_TYPE: 0,
  /** `ar_pro`: 2 bytes, big-endian. */
  PROTOCOL_TYPE: 2,
  /** `ar_hln`: 1 byte. */
  HARDWARE_LENGTH: 4,
  /** `ar_pln`: 1 byte. */
  PROTOCOL_LENGTH: 5,
  /** `ar_op`: 2 bytes, big-endian. */
  OPERATION: 6,
  /** `ar_sha`: 6 bytes. */
  SENDER_MAC: 8,
  /** `ar_sip`: 4 bytes. */
  SENDER_IP: 14,
  /** `ar_tha`: 6 bytes. */
  TARGET_MAC: 18,
  /** `ar_tip`: 4 bytes. */
  TARGET_IP: 24,
} as const;

/** The first thing wrong with `bytes` as an Ethernet/IPv4 ARP packet. */
function validate(bytes: Uint8Array): ArpError | undefined {
  if (bytes.length < ARP_LENGTH) return { kind: 'truncated', length: bytes.length };
  const hardwareType = word(bytes, field.HARDWARE_TYPE);
  if (hardwareType !== ARPHRD_ETHER) return { kind: 'hardware-type', hardwareType };
  const protocolType = word(bytes, field.PROTOCOL_TYPE);
  if (protocolType !== PROTOCOL_IPV4) return { kind: 'protocol-type', protocolType };
  const hardwareLength = octet(bytes, field.HARDWARE_LENGTH);
  if (hardwareLength !== HARDWARE_LENGTH) return { kind: 'hardware-length', hardwareLength };
  const protocolLength = octet(bytes, field.PROTOCOL_LENGTH);
  if (protocolLength !== PROTOCOL_LENGTH) return { kind: 'protocol-length', protocolLength };
  const operation = word(bytes, field.OPERATION);
  if (operation !== ARPOP_REQUEST && operation !== ARPOP_REPLY) {
    return { kind: 'operation', operation };
  }
  return undefined;
}

/**
 * A read-only typed view over the bytes of one ARP packet for Ethernet and IPv4 (the
 * payload of an `ETH_P_ARP` frame).
 *
 * Untrusted bytes come in only through {@link ArpPacket.check}; after it succeeds no
 * accessor can throw. Bytes after the first {@link ARP_LENGTH} (Ethernet padding) are
 * ignored.
 *
 * @remarks
 * The view over `struct arphdr` and the address block after it that `arp_process()` in
 * `net/ipv4/arp.c` reads (`arp_ptr`). The fixed fields are not exposed: once checked
 * they can only be Ethernet, IPv4, 6 and 4.
 *
 * @example
 * ```ts
 * import { ARPOP_REQUEST, ArpPacket, ipv4ToString, isArpError } from '@netstage/ipv4';
 * const bytes = new Uint8Array([
 *   0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
 *   0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x0a, 0xc8, 0x00, 0x01,
 *   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xc8, 0x00, 0x02,
 * ]);
 * const arp = ArpPacket.check(bytes);
 * if (!isArpError(arp)) {
 *   arp.operation === ARPOP_REQUEST; // true
 *   arp.senderMac;                   // 0x02_0000_000a01
 *   ipv4ToString(arp.targetIp);      // '10.200.0.2'
 * }
 * ```
 */
export class ArpPacket {
  /** The bytes given: the 28-byte packet and any padding after it. */
  readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /**
   * Wraps untrusted bytes, or says why they are not an Ethernet/IPv4 ARP request or
   * reply (see {@link ArpError}). Never throws.
   *
   * @example
   * ```ts
   * import { ArpPacket } from '@netstage/ipv4';
   * ArpPacket.check(new Uint8Array(27)); // { kind: 'truncated', length: 27 }
   * ArpPacket.check(new Uint8Array(28)); // { kind: 'hardware-type', hardwareType: 0 }
   * ```
   */
  static check(bytes: Uint8Array): ArpPacket | ArpError {
    return validate(bytes) ?? new ArpPacket(bytes);
  }

  /**
   * Wraps bytes without checking their contents: only for bytes netstage produced
   * itself, such as a buffer it just filled with {@link emitArp}. The accessors then
   * read whatever is there, and never throw.
   *
   * @throws RangeError if `bytes` is shorter than {@link ARP_LENGTH}: a bug in the
   * caller.
   *
   * @example
   * ```ts
   * import { ARPOP_REPLY, ARP_LENGTH, ArpPacket, emitArp } from '@netstage/ipv4';
   * const bytes = new Uint8Array(ARP_LENGTH);
   * emitArp({
   *   operation: ARPOP_REPLY,
   *   senderMac: 0x02_0000_000b01, senderIp: 0x0ac80002,
   *   targetMac: 0x02_0000_000a01, targetIp: 0x0ac80001,
   * }, bytes);
   * ArpPacket.unchecked(bytes).operation; // 2
   * ```
   */
  static unchecked(bytes: Uint8Array): ArpPacket {
    assertRoom(bytes, 0, ARP_LENGTH);
    return new ArpPacket(bytes);
  }

  /** The operation (`ar_op`, offset 6): {@link ARPOP_REQUEST} or {@link ARPOP_REPLY} once checked. */
  get operation(): ArpOperation {
    return word(this.bytes, field.OPERATION) as ArpOperation;
  }

  /** The sender hardware address (`ar_sha`, offset 8), a 48-bit number. */
  get senderMac(): number {
    return mac(this.bytes, field.SENDER_MAC);
  }

  /** The sender protocol address (`ar_sip`, offset 14), a 32-bit number. */
  get senderIp(): number {
    return ip(this.bytes, field.SENDER_IP);
  }

  /** The target hardware address (`ar_tha`, offset 18): all zeros in a Linux request. */
  get targetMac(): number {
    return mac(this.bytes, field.TARGET_MAC);
  }

  /** The target protocol address (`ar_tip`, offset 24), a 32-bit number. */
  get targetIp(): number {
    return ip(this.bytes, field.TARGET_IP);
  }
}

// ---------------------------------------------------------------------------------------
// The repr
// ---------------------------------------------------------------------------------------

/**
 * The meaning of an ARP packet for Ethernet and IPv4, without the bytes.
 *
 * @remarks
 * The arguments of `arp_create()` in `net/ipv4/arp.c`; smoltcp's `ArpRepr::EthernetIpv4`.
 * A request from Linux has an all-zero `targetMac` (`arp_create()` zeroes `ar_tha` when
 * there is no target hardware address); a reply goes back to the requester.
 *
 * @example
 * ```ts
 * import { ARPOP_REQUEST, type ArpRepr } from '@netstage/ipv4';
 * const repr: ArpRepr = {
 *   operation: ARPOP_REQUEST,
 *   senderMac: 0x02_0000_000a01, senderIp: 0x0ac80001,
 *   targetMac: 0, targetIp: 0x0ac80002,
 * };
 * ```
 */
export interface ArpRepr {
  /** {@link ARPOP_REQUEST} or {@link ARPOP_REPLY}. */
  operation: ArpOperation;
  /** Sender hardware address, a 48-bit number. */
  senderMac: number;
  /** Sender protocol address, a 32-bit number. */
  senderIp: number;
  /** Target hardware address, a 48-bit number. */
  targetMac: number;
  /** Target protocol address, a 32-bit number. */
  targetIp: number;
}

/**
 * Checks untrusted bytes as {@link ArpPacket.check} does and reads them into a repr, or
 * says why they are not an Ethernet/IPv4 ARP request or reply. Never throws.
 *
 * @remarks
 * The checks of `arp_rcv()` and `arp_process()` in `net/ipv4/arp.c`, then the fields.
 *
 * @example
 * ```ts
 * import { isArpError, parseArp } from '@netstage/ipv4';
 * const repr = parseArp(new Uint8Array([
 *   0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
 *   0x02, 0x00, 0x00, 0x00, 0x0b, 0x01, 0x0a, 0xc8, 0x00, 0x02,
 *   0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x0a, 0xc8, 0x00, 0x01,
 * ]));
 * if (!isArpError(repr)) repr.senderMac; // 0x02_0000_000b01
 * ```
 */
export function parseArp(bytes: Uint8Array): ArpRepr | ArpError {
  const error = validate(bytes);
  if (error !== undefined) return error;
  return {
    operation: word(bytes, field.OPERATION) as ArpOperation,
    senderMac: mac(bytes, field.SENDER_MAC),
    senderIp: ip(bytes, field.SENDER_IP),
    targetMac: mac(bytes, field.TARGET_MAC),
    targetIp: ip(bytes, field.TARGET_IP),
  };
}

/**
 * Writes the 28 bytes of `repr` into `bytes` at `offset`: Ethernet, IPv4, 6, 4, then
 * the operation and the four addresses.
 *
 * @remarks
 * `arp_create()` in `net/ipv4/arp.c`, without the Ethernet header (emit that with
 * `emitEthernet` from `@netstage/devices`, EtherType `ETH_P_ARP`).
 *
 * @throws RangeError if the operation is not a request or reply, a hardware address is
 * not a 48-bit integer, a protocol address not a 32-bit one, or the packet does not fit
 * at `offset`. A refused emit leaves `bytes` untouched.
 *
 * @example
 * ```ts
 * import { ARPOP_REQUEST, ARP_LENGTH, emitArp } from '@netstage/ipv4';
 * const bytes = new Uint8Array(ARP_LENGTH);
 * emitArp({
 *   operation: ARPOP_REQUEST,
 *   senderMac: 0x02_0000_000a01, senderIp: 0x0ac80001,
 *   targetMac: 0, targetIp: 0x0ac80002,
 * }, bytes);
 * bytes.subarray(0, 8); // 00 01 08 00 06 04 00 01 (hex)
 * ```
 */
export function emitArp(repr: ArpRepr, bytes: Uint8Array, offset = 0): void {
  // Check everything before writing anything: a refused emit leaves `bytes` untouched.
  const { operation } = repr;
  if (operation !== ARPOP_REQUEST && operation !== ARPOP_REPLY) {
    throw new RangeError(`ARP operation must be 1 (request) or 2 (reply), got ${String(operation)}`);
  }
  assertField('senderMac', repr.senderMac, MAC_MAX);
  assertField('targetMac', repr.targetMac, MAC_MAX);
  assertField('senderIp', repr.senderIp, 0xffff_ffff);
  assertField('targetIp', repr.targetIp, 0xffff_ffff);
  assertRoom(bytes, offset, ARP_LENGTH);
  const o = offset;
  bytes[o + field.HARDWARE_TYPE] = ARPHRD_ETHER >>> 8;
  bytes[o + field.HARDWARE_TYPE + 1] = ARPHRD_ETHER & 0xff;
  bytes[o + field.PROTOCOL_TYPE] = PROTOCOL_IPV4 >>> 8;
  bytes[o + field.PROTOCOL_TYPE + 1] = PROTOCOL_IPV4 & 0xff;
  bytes[o + field.HARDWARE_LENGTH] = HARDWARE_LENGTH;
  bytes[o + field.PROTOCOL_LENGTH] = PROTOCOL_LENGTH;
  bytes[o + field.OPERATION] = operation >>> 8;
  bytes[o + field.OPERATION + 1] = operation & 0xff;
  putMac(bytes, o + field.SENDER_MAC, repr.senderMac);
  writeIpv4(bytes, o + field.SENDER_IP, repr.senderIp);
  putMac(bytes, o + field.TARGET_MAC, repr.targetMac);
  writeIpv4(bytes, o + field.TARGET_IP, repr.targetIp);
}
