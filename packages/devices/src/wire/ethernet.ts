/**
 * Ethernet II on the wire: MAC addresses, EtherTypes, a typed view over a frame and a
 * small repr to parse and emit the 14-byte header.
 *
 * Bytes and meaning stay apart, as in smoltcp's `src/wire/ethernet.rs`:
 * {@link EthernetFrame} is a thin view over a `Uint8Array` whose only way in for
 * untrusted bytes is {@link EthernetFrame.check}; {@link EthernetRepr} is a plain object
 * that {@link parseEthernet} reads and {@link emitEthernet} writes.
 *
 * A MAC address is a plain `number` in `[0, 2^48)`, first octet most significant, so
 * `02:00:00:00:0a:01` is `0x02_0000_000a01`. Reading one allocates nothing, and two
 * addresses compare with `===`.
 *
 * Errors: the receive-path entry points ({@link EthernetFrame.check},
 * {@link parseEthernet}) never throw; they return an {@link EthernetError}. Functions
 * whose preconditions the caller must already guarantee (a buffer long enough, a valid
 * address) throw `RangeError` when those are broken: that is a bug in netstage, never
 * a property of a received frame.
 *
 * Mirrors `include/uapi/linux/if_ether.h`, `include/linux/etherdevice.h` and
 * `net/ethernet/eth.c`.
 *
 * @module
 */

import { assertRoom, readU8 as octet } from '@netstage/core-net';
// ---------------------------------------------------------------------------------------
// Sizes and EtherTypes (include/uapi/linux/if_ether.h)
// ---------------------------------------------------------------------------------------

/**
 * Octets in an Ethernet address.
 *
 * @remarks
 * `ETH_ALEN` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_ALEN } from '@netstage/devices';
 * ETH_ALEN; // 6
 * ```
 */
export const ETH_ALEN = 6;

/**
 * Octets in an Ethernet header: destination, source, EtherType.
 *
 * @remarks
 * `ETH_HLEN` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_HLEN } from '@netstage/devices';
 * ETH_HLEN; // 14
 * ```
 */
export const ETH_HLEN = 14;

/**
 * The minimum Ethernet frame length without the FCS.
 *
 * @remarks
 * `ETH_ZLEN` in `include/uapi/linux/if_ether.h`. The stack does not pad to it: NIC
 * drivers do (for example with `eth_skb_pad()`), and veth and loopback send shorter
 * frames as they are. netstage models those devices, so its frames are not padded.
 *
 * @example
 * ```ts
 * import { ETH_ZLEN } from '@netstage/devices';
 * ETH_ZLEN; // 60
 * ```
 */
export const ETH_ZLEN = 60;

/**
 * The maximum payload of an untagged Ethernet frame: the default MTU.
 *
 * @remarks
 * `ETH_DATA_LEN` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_DATA_LEN } from '@netstage/devices';
 * ETH_DATA_LEN; // 1500
 * ```
 */
export const ETH_DATA_LEN = 1500;

/**
 * The maximum untagged Ethernet frame length without the FCS: header plus
 * {@link ETH_DATA_LEN}.
 *
 * @remarks
 * `ETH_FRAME_LEN` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_FRAME_LEN } from '@netstage/devices';
 * ETH_FRAME_LEN; // 1514
 * ```
 */
export const ETH_FRAME_LEN = 1514;

/**
 * The pseudo-protocol that matches every frame: what a packet socket bound to "all
 * protocols" asks for. It never appears on the wire.
 *
 * @remarks
 * `ETH_P_ALL` in `include/uapi/linux/if_ether.h`; `dev_queue_xmit_nit()` and
 * `__netif_receive_skb_core()` deliver to the `ptype_all` list it selects.
 *
 * @example
 * ```ts
 * import { ETH_P_ALL } from '@netstage/devices';
 * ETH_P_ALL; // 0x0003
 * ```
 */
export const ETH_P_ALL = 0x0003;

/**
 * The EtherType of IPv4.
 *
 * @remarks
 * `ETH_P_IP` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_P_IP } from '@netstage/devices';
 * ETH_P_IP; // 0x0800
 * ```
 */
export const ETH_P_IP = 0x0800;

/**
 * The EtherType of ARP.
 *
 * @remarks
 * `ETH_P_ARP` in `include/uapi/linux/if_ether.h`; RFC 826.
 *
 * @example
 * ```ts
 * import { ETH_P_ARP } from '@netstage/devices';
 * ETH_P_ARP; // 0x0806
 * ```
 */
export const ETH_P_ARP = 0x0806;

/**
 * The EtherType of an IEEE 802.1Q VLAN tag.
 *
 * @remarks
 * `ETH_P_8021Q` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_P_8021Q } from '@netstage/devices';
 * ETH_P_8021Q; // 0x8100
 * ```
 */
export const ETH_P_8021Q = 0x8100;

/**
 * The EtherType of IPv6.
 *
 * @remarks
 * `ETH_P_IPV6` in `include/uapi/linux/if_ether.h`.
 *
 * @example
 * ```ts
 * import { ETH_P_IPV6 } from '@netstage/devices';
 * ETH_P_IPV6; // 0x86dd
 * ```
 */
export const ETH_P_IPV6 = 0x86dd;

// ---------------------------------------------------------------------------------------
// MAC addresses (include/linux/etherdevice.h)
// ---------------------------------------------------------------------------------------

/** 2^24: splits a 48-bit address into two 24-bit halves that bitwise operators can use. */
const HALF = 0x100_0000;
/** 2^40: the weight of the first octet. */
const FIRST_OCTET = 0x100_0000_0000;

/**
 * The broadcast address `ff:ff:ff:ff:ff:ff`.
 *
 * @remarks
 * `is_broadcast_ether_addr()` in `include/linux/etherdevice.h` tests for it; ARP
 * requests go to it.
 *
 * @example
 * ```ts
 * import { MAC_BROADCAST, macToString } from '@netstage/devices';
 * macToString(MAC_BROADCAST); // 'ff:ff:ff:ff:ff:ff'
 * ```
 */
export const MAC_BROADCAST = 0xffff_ffff_ffff;

/**
 * The all-zero address `00:00:00:00:00:00`: "no address", as on loopback.
 *
 * @remarks
 * `is_zero_ether_addr()` in `include/linux/etherdevice.h` tests for it; loopback's
 * `dev->dev_addr` is all zeros, and an ARP request's target hardware address is zero.
 *
 * @example
 * ```ts
 * import { MAC_ZERO, macToString } from '@netstage/devices';
 * macToString(MAC_ZERO); // '00:00:00:00:00:00'
 * ```
 */
export const MAC_ZERO = 0;

/** Throws unless `mac` is an integer in `[0, 2^48)`. */
function assertMac(mac: number): void {
  if (!Number.isInteger(mac) || mac < 0 || mac > MAC_BROADCAST) {
    throw new RangeError(`MAC address must be an integer in [0, 2^48), got ${mac}`);
  }
}

/**
 * Formats an address the way `ip link` prints it: six lowercase, zero-padded hex
 * octets separated by colons.
 *
 * @remarks
 * Same text as the kernel's `%pM` format and iproute2's `ll_addr_n2a()`.
 *
 * @throws RangeError if `mac` is not an integer in `[0, 2^48)`.
 *
 * @example
 * ```ts
 * import { macToString } from '@netstage/devices';
 * macToString(0x02_0000_000a01); // '02:00:00:00:0a:01'
 * ```
 */
export function macToString(mac: number): string {
  assertMac(mac);
  const hex = mac.toString(16).padStart(12, '0');
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/** Six groups of one or two hex digits separated by colons, and nothing else. */
const MAC_TEXT = /^[0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5}$/i;

/**
 * Parses `xx:xx:xx:xx:xx:xx` (one or two hex digits per octet, either case) into an
 * address, or gives `undefined` for anything else.
 *
 * @remarks
 * The form `ip link set … address` takes (iproute2's `ll_addr_a2n()`), where
 * `1:2:3:4:5:6` means `01:02:03:04:05:06`; a little stricter than its `sscanf("%x")`:
 * other separators (`-`, `.`), missing or extra octets, more than two digits in a group
 * and surrounding whitespace are all refused.
 *
 * @example
 * ```ts
 * import { parseMac } from '@netstage/devices';
 * parseMac('02:00:00:00:0a:01'); // 0x02_0000_000a01
 * parseMac('1:2:3:4:5:6');       // 0x01_0203_040506
 * parseMac('02-00-00-00-0a-01'); // undefined
 * ```
 */
export function parseMac(text: string): number | undefined {
  if (!MAC_TEXT.test(text)) return undefined;
  let mac = 0;
  for (const group of text.split(':')) mac = mac * 0x100 + parseInt(group, 16);
  return mac;
}

/**
 * Reads the 6-byte address at `offset`.
 *
 * @remarks
 * The inverse of {@link writeMac}; as `ether_addr_copy()` from a header, but into a
 * number.
 *
 * @throws RangeError if six bytes do not fit at `offset`.
 *
 * @example
 * ```ts
 * import { macToString, readMac } from '@netstage/devices';
 * const bytes = new Uint8Array([0xaa, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01]);
 * macToString(readMac(bytes, 1)); // '02:00:00:00:0a:01'
 * ```
 */
export function readMac(bytes: Uint8Array, offset: number): number {
  assertRoom(bytes, offset, ETH_ALEN);
  const o = offset;
  const hi = (octet(bytes, o) << 16) | (octet(bytes, o + 1) << 8) | octet(bytes, o + 2);
  const lo = (octet(bytes, o + 3) << 16) | (octet(bytes, o + 4) << 8) | octet(bytes, o + 5);
  return hi * HALF + lo;
}

/**
 * Writes an address as 6 bytes at `offset`, first octet first.
 *
 * @remarks
 * The inverse of {@link readMac}; as `ether_addr_copy()` into a header.
 *
 * @throws RangeError if `mac` is not an integer in `[0, 2^48)` or six bytes do not fit
 * at `offset`.
 *
 * @example
 * ```ts
 * import { writeMac } from '@netstage/devices';
 * const bytes = new Uint8Array(8);
 * writeMac(bytes, 2, 0x02_0000_000a01); // 02:00:00:00:0a:01
 * bytes; // Uint8Array [0, 0, 2, 0, 0, 0, 10, 1]
 * ```
 */
export function writeMac(bytes: Uint8Array, offset: number, mac: number): void {
  assertMac(mac);
  assertRoom(bytes, offset, ETH_ALEN);
  const hi = Math.floor(mac / HALF);
  const lo = mac - hi * HALF;
  bytes[offset] = hi >>> 16;
  bytes[offset + 1] = (hi >>> 8) & 0xff;
  bytes[offset + 2] = hi & 0xff;
  bytes[offset + 3] = lo >>> 16;
  bytes[offset + 4] = (lo >>> 8) & 0xff;
  bytes[offset + 5] = lo & 0xff;
}

/**
 * Whether an address is a group address: the I/G bit, the lowest bit of the first
 * octet, is set. Broadcast counts as multicast.
 *
 * @remarks
 * `is_multicast_ether_addr()` in `include/linux/etherdevice.h`. IPv4 multicast maps to
 * `01:00:5e:…` (RFC 1112), IPv6 multicast to `33:33:…` (RFC 2464).
 *
 * @example
 * ```ts
 * import { isMulticastMac } from '@netstage/devices';
 * isMulticastMac(0x01_005e_000001); // true  (01:00:5e:00:00:01)
 * isMulticastMac(0x33_3300_000001); // true  (33:33:00:00:00:01)
 * isMulticastMac(0x02_0000_000a01); // false (02:00:00:00:0a:01)
 * ```
 */
export function isMulticastMac(mac: number): boolean {
  return (Math.floor(mac / FIRST_OCTET) & 0x01) !== 0;
}

/**
 * Whether an address is the broadcast address `ff:ff:ff:ff:ff:ff`.
 *
 * @remarks
 * `is_broadcast_ether_addr()` in `include/linux/etherdevice.h`.
 *
 * @example
 * ```ts
 * import { MAC_BROADCAST, isBroadcastMac } from '@netstage/devices';
 * isBroadcastMac(MAC_BROADCAST); // true
 * ```
 */
export function isBroadcastMac(mac: number): boolean {
  return mac === MAC_BROADCAST;
}

/**
 * Whether an address is locally administered: the U/L bit, bit 1 of the first octet,
 * is set.
 *
 * @remarks
 * `is_local_ether_addr()` in `include/linux/etherdevice.h`; IEEE 802 §8.2. Every
 * address from {@link randomMac} is locally administered.
 *
 * @example
 * ```ts
 * import { isLocallyAdministered } from '@netstage/devices';
 * isLocallyAdministered(0x02_0000_000a01); // true  (02:00:00:00:0a:01)
 * isLocallyAdministered(0x00_1b21_000001); // false (00:1b:21:00:00:01)
 * ```
 */
export function isLocallyAdministered(mac: number): boolean {
  return (Math.floor(mac / FIRST_OCTET) & 0x02) !== 0;
}

/**
 * A random unicast, locally administered address, drawn from `next` (a source of
 * unsigned 32-bit values, such as `Prng.nextU32` from `@netstage/core-net`).
 *
 * @remarks
 * `eth_random_addr()` in `include/linux/etherdevice.h`: six random bytes, then clear
 * the multicast bit (`addr[0] &= 0xfe`) and set the local bit (`addr[0] |= 0x02`).
 * Linux calls it through `eth_hw_addr_random()` when veth, dummy or bridge devices are
 * created without an address.
 *
 * `next` is called exactly twice. The six bytes are taken the way `Prng.fill` lays
 * them out: octets 0–3 are the first value least significant byte first, octets 4–5
 * the low two bytes of the second. So with one seed, `randomMac` and "fill 6 bytes,
 * then fix octet 0" give the same address.
 *
 * @example
 * ```ts
 * import { macToString, randomMac } from '@netstage/devices';
 * const values = [0x12345678, 0x9abcdef0];
 * let i = 0;
 * macToString(randomMac(() => values[i++] ?? 0)); // '7a:56:34:12:f0:de'
 * ```
 */
export function randomMac(next: () => number): number {
  const a = next() >>> 0;
  const b = next() >>> 0;
  const octet0 = ((a & 0xff) & 0xfe) | 0x02;
  const hi = (octet0 << 16) | (((a >>> 8) & 0xff) << 8) | ((a >>> 16) & 0xff);
  const lo = ((a >>> 24) << 16) | ((b & 0xff) << 8) | ((b >>> 8) & 0xff);
  return hi * HALF + lo;
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * Why bytes are not an Ethernet frame. The only reason is `'truncated'`: fewer than
 * {@link ETH_HLEN} bytes; `length` is how many there were.
 *
 * @remarks
 * A receive path counts this and drops the frame; it is never thrown. Linux never
 * sees it from a NIC (drivers drop runts), but a packet socket or a test can hand the
 * stack anything.
 *
 * @example
 * ```ts
 * import type { EthernetError } from '@netstage/devices';
 * const e: EthernetError = { kind: 'truncated', length: 13 };
 * ```
 */
export type EthernetError = { readonly kind: 'truncated'; readonly length: number };

/**
 * Whether a value is an {@link EthernetError}. Narrows the result of
 * {@link EthernetFrame.check} and {@link parseEthernet}.
 *
 * @example
 * ```ts
 * import { EthernetFrame, isEthernetError } from '@netstage/devices';
 * const frame = EthernetFrame.check(new Uint8Array(13));
 * isEthernetError(frame); // true
 * ```
 */
export function isEthernetError(value: unknown): value is EthernetError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'truncated' &&
    typeof (value as { length?: unknown }).length === 'number'
  );
}

function truncated(length: number): EthernetError {
  return { kind: 'truncated', length };
}

// ---------------------------------------------------------------------------------------
// The frame view
// ---------------------------------------------------------------------------------------

/** Where each header field starts (`struct ethhdr` in `include/uapi/linux/if_ether.h`). */
const field = {
  /** `h_dest`: 6 bytes. */
  DESTINATION: 0,
  /** `h_source`: 6 bytes. */
  SOURCE: 6,
  /** `h_proto`: 2 bytes, big-endian. */
  ETHERTYPE: 12,
  /** The payload runs from here to the end of the buffer. */
  PAYLOAD: 14,
} as const;

/**
 * The destination address of a frame the caller has already checked (at least
 * {@link ETH_HLEN} bytes). Allocates nothing.
 *
 * @remarks
 * `eth_hdr(skb)->h_dest`.
 *
 * @throws RangeError if `bytes` is shorter than {@link ETH_HLEN}: the caller skipped
 * the check.
 *
 * @example
 * ```ts
 * import { frameDestination, isBroadcastMac } from '@netstage/devices';
 * const bytes = new Uint8Array(14).fill(0xff);
 * isBroadcastMac(frameDestination(bytes)); // true
 * ```
 */
export function frameDestination(bytes: Uint8Array): number {
  assertRoom(bytes, 0, ETH_HLEN);
  return readMac(bytes, field.DESTINATION);
}

/**
 * The source address of a frame the caller has already checked (at least
 * {@link ETH_HLEN} bytes). Allocates nothing.
 *
 * @remarks
 * `eth_hdr(skb)->h_source`.
 *
 * @throws RangeError if `bytes` is shorter than {@link ETH_HLEN}: the caller skipped
 * the check.
 *
 * @example
 * ```ts
 * import { frameSource, macToString } from '@netstage/devices';
 * const bytes = new Uint8Array([0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 10, 1, 8, 6]);
 * macToString(frameSource(bytes)); // '02:00:00:00:0a:01'
 * ```
 */
export function frameSource(bytes: Uint8Array): number {
  assertRoom(bytes, 0, ETH_HLEN);
  return readMac(bytes, field.SOURCE);
}

/**
 * The EtherType of a frame the caller has already checked (at least {@link ETH_HLEN}
 * bytes). Allocates nothing.
 *
 * @remarks
 * `eth_hdr(skb)->h_proto`, converted from network byte order.
 *
 * @throws RangeError if `bytes` is shorter than {@link ETH_HLEN}: the caller skipped
 * the check.
 *
 * @example
 * ```ts
 * import { ETH_P_ARP, frameEtherType } from '@netstage/devices';
 * const bytes = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x06]);
 * frameEtherType(bytes) === ETH_P_ARP; // true
 * ```
 */
export function frameEtherType(bytes: Uint8Array): number {
  assertRoom(bytes, 0, ETH_HLEN);
  return (octet(bytes, field.ETHERTYPE) << 8) | octet(bytes, field.ETHERTYPE + 1);
}

/**
 * A read-only typed view over the bytes of one Ethernet II frame (no FCS).
 *
 * Untrusted bytes come in only through {@link EthernetFrame.check}; after it succeeds
 * no accessor can throw. Nothing is copied: {@link EthernetFrame.payload} is a
 * `subarray` of the same memory.
 *
 * @remarks
 * The view over `struct ethhdr` (`include/uapi/linux/if_ether.h`) that
 * `eth_type_trans()` in `net/ethernet/eth.c` reads on receive. EtherType values below
 * `0x0600` are 802.3 lengths, which Linux maps to `ETH_P_802_3`/`ETH_P_802_2`; this view
 * reports the raw value and leaves that to the protocol demux. On hot paths where even
 * one small object per frame matters, use {@link frameDestination},
 * {@link frameSource} and {@link frameEtherType} on the checked buffer instead.
 *
 * @example
 * ```ts
 * import { ETH_P_ARP, EthernetFrame, isEthernetError, macToString } from '@netstage/devices';
 * const bytes = new Uint8Array([
 *   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x08, 0x06,
 * ]);
 * const frame = EthernetFrame.check(bytes);
 * if (!isEthernetError(frame)) {
 *   macToString(frame.source);      // '02:00:00:00:0a:01'
 *   frame.etherType === ETH_P_ARP;  // true
 *   frame.payload.length;           // 0
 * }
 * ```
 */
export class EthernetFrame {
  /** The whole frame: header and payload. */
  readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /**
   * Wraps untrusted bytes, or says why they are not a frame: fewer than
   * {@link ETH_HLEN} bytes give `{ kind: 'truncated', length }`. Never throws.
   *
   * @example
   * ```ts
   * import { EthernetFrame } from '@netstage/devices';
   * EthernetFrame.check(new Uint8Array(13)); // { kind: 'truncated', length: 13 }
   * EthernetFrame.check(new Uint8Array(14)) instanceof EthernetFrame; // true
   * ```
   */
  static check(bytes: Uint8Array): EthernetFrame | EthernetError {
    if (bytes.length < ETH_HLEN) return truncated(bytes.length);
    return new EthernetFrame(bytes);
  }

  /**
   * Wraps bytes without checking them: only for bytes netstage produced itself, such
   * as a buffer it just filled with {@link emitEthernet}. If they are shorter than
   * {@link ETH_HLEN} the accessors throw `RangeError` (a bug in the caller).
   *
   * @example
   * ```ts
   * import { ETH_P_IP, EthernetFrame, emitEthernet, ethernetBufferLength } from '@netstage/devices';
   * const bytes = new Uint8Array(ethernetBufferLength(0));
   * const repr = { destination: 0x02_0000_000a02, source: 0x02_0000_000a01, etherType: ETH_P_IP };
   * emitEthernet(repr, bytes);
   * EthernetFrame.unchecked(bytes).etherType === ETH_P_IP; // true
   * ```
   */
  static unchecked(bytes: Uint8Array): EthernetFrame {
    return new EthernetFrame(bytes);
  }

  /** The destination address (`h_dest`, offset 0). */
  get destination(): number {
    return frameDestination(this.bytes);
  }

  /** The source address (`h_source`, offset 6). */
  get source(): number {
    return frameSource(this.bytes);
  }

  /** The EtherType (`h_proto`, offset 12, big-endian). */
  get etherType(): number {
    return frameEtherType(this.bytes);
  }

  /** Everything after the 14-byte header: a view of the same bytes, never a copy. */
  get payload(): Uint8Array {
    return this.bytes.subarray(field.PAYLOAD);
  }
}

// ---------------------------------------------------------------------------------------
// The repr
// ---------------------------------------------------------------------------------------

/**
 * The meaning of an Ethernet header, without the bytes.
 *
 * @remarks
 * The fields of `struct ethhdr`; smoltcp's `EthernetRepr`. Addresses are 48-bit
 * numbers (see {@link macToString}); `etherType` is an `ETH_P_*` value.
 *
 * @example
 * ```ts
 * import { ETH_P_ARP, MAC_BROADCAST, type EthernetRepr } from '@netstage/devices';
 * const repr: EthernetRepr = {
 *   destination: MAC_BROADCAST,
 *   source: 0x02_0000_000a01,
 *   etherType: ETH_P_ARP,
 * };
 * ```
 */
export interface EthernetRepr {
  /** Destination address, a 48-bit number. */
  destination: number;
  /** Source address, a 48-bit number. */
  source: number;
  /** The EtherType, 0..0xffff. */
  etherType: number;
}

/**
 * Octets the header takes in a buffer: {@link ETH_HLEN}.
 *
 * @remarks
 * `sizeof(struct ethhdr)`; what `dev->hard_header_len` is for Ethernet devices.
 *
 * @example
 * ```ts
 * import { ETHERNET_HEADER_LENGTH } from '@netstage/devices';
 * ETHERNET_HEADER_LENGTH; // 14
 * ```
 */
export const ETHERNET_HEADER_LENGTH = ETH_HLEN;

/**
 * Reads the header of untrusted bytes into a repr, or says why they are not a frame.
 * Never throws.
 *
 * @remarks
 * The header part of `eth_type_trans()` in `net/ethernet/eth.c`. The EtherType is
 * reported raw (see {@link EthernetFrame}).
 *
 * @example
 * ```ts
 * import { ETH_P_ARP, isEthernetError, parseEthernet } from '@netstage/devices';
 * const repr = parseEthernet(new Uint8Array([
 *   0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x08, 0x06,
 * ]));
 * if (!isEthernetError(repr)) repr.etherType === ETH_P_ARP; // true
 * parseEthernet(new Uint8Array(3)); // { kind: 'truncated', length: 3 }
 * ```
 */
export function parseEthernet(bytes: Uint8Array): EthernetRepr | EthernetError {
  if (bytes.length < ETH_HLEN) return truncated(bytes.length);
  return {
    destination: readMac(bytes, field.DESTINATION),
    source: readMac(bytes, field.SOURCE),
    etherType: frameEtherType(bytes),
  };
}

/**
 * Writes the 14-byte header of `repr` into `bytes` at `offset`. The payload is the
 * caller's: it goes at `offset + ETH_HLEN`.
 *
 * @remarks
 * `eth_header()` in `net/ethernet/eth.c`. Build an outgoing frame by emitting into a
 * buffer of exactly {@link ethernetBufferLength} bytes.
 *
 * @throws RangeError if an address is not a 48-bit integer, the EtherType is not an
 * integer in `[0, 0xffff]`, or the header does not fit at `offset`.
 *
 * @example
 * ```ts
 * import { ETH_P_ARP, MAC_BROADCAST, emitEthernet, ethernetBufferLength } from '@netstage/devices';
 * const payload = new Uint8Array(28);
 * const bytes = new Uint8Array(ethernetBufferLength(payload.length));
 * const repr = { destination: MAC_BROADCAST, source: 0x02_0000_000a01, etherType: ETH_P_ARP };
 * emitEthernet(repr, bytes);
 * bytes.set(payload, 14);
 * bytes.subarray(0, 14); // ff ff ff ff ff ff 02 00 00 00 0a 01 08 06 (hex)
 * ```
 */
export function emitEthernet(repr: EthernetRepr, bytes: Uint8Array, offset = 0): void {
  // Check everything before writing anything: a refused emit leaves `bytes` untouched.
  const { etherType } = repr;
  if (!Number.isInteger(etherType) || etherType < 0 || etherType > 0xffff) {
    throw new RangeError(`EtherType must be an integer in [0, 0xffff], got ${etherType}`);
  }
  assertMac(repr.destination);
  assertMac(repr.source);
  assertRoom(bytes, offset, ETH_HLEN);
  writeMac(bytes, offset + field.DESTINATION, repr.destination);
  writeMac(bytes, offset + field.SOURCE, repr.source);
  bytes[offset + field.ETHERTYPE] = etherType >>> 8;
  bytes[offset + field.ETHERTYPE + 1] = etherType & 0xff;
}

/**
 * Octets a frame with `payloadLength` bytes of payload takes: `14 + payloadLength`,
 * with no padding to {@link ETH_ZLEN}.
 *
 * @remarks
 * Linux pads short frames in NIC drivers (`eth_skb_pad()`, `skb_put_padto()`), not in
 * the stack; veth and loopback carry them unpadded, so a 42-byte ARP request stays 42
 * bytes, as `tcpdump` on a veth shows.
 *
 * @example
 * ```ts
 * import { ethernetBufferLength } from '@netstage/devices';
 * ethernetBufferLength(28); // 42
 * ```
 */
export function ethernetBufferLength(payloadLength: number): number {
  return ETH_HLEN + payloadLength;
}
