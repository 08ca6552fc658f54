/**
 * The Internet checksum and IPv4 addresses as numbers: the two things every IPv4 wire
 * module needs.
 *
 * The checksum is RFC 1071's: the 16-bit one's complement of the one's-complement sum of
 * the data taken as big-endian 16-bit words, an odd last byte padded with a zero byte.
 * {@link checksumAccumulate} gives the running sum (for a pseudo-header, or data in
 * pieces) and {@link internetChecksum} the final complement. Both are plain loops over a
 * `Uint8Array`: they allocate nothing.
 *
 * An IPv4 address is a plain `number` in `[0, 2^32)`, first octet most significant, so
 * `10.200.0.1` is `0x0ac80001`. Reading one allocates nothing, and two addresses compare
 * with `===`. Masks are numbers too, always unsigned (built with `>>> 0`).
 *
 * Errors: functions whose preconditions the caller must guarantee (a range that fits in
 * the buffer, an integer address) throw `RangeError` when those are broken: that is a bug
 * in netstage, never a property of a received packet. {@link parseIpv4} reads text a user
 * typed and gives `undefined` for anything that is not an address.
 *
 * Mirrors `include/net/checksum.h`, `lib/checksum.c`, `include/linux/in.h` and
 * `include/linux/inetdevice.h`.
 *
 * @module
 */

import { assertRoom, readU8 as octet } from '@netstage/core-net';
// ---------------------------------------------------------------------------------------
// Preconditions
// ---------------------------------------------------------------------------------------

/** The largest IPv4 address, `255.255.255.255`, and the largest 32-bit sum. */
const U32_MAX = 0xffff_ffff;

/** Throws unless `address` is an integer in `[0, 2^32)`. */
function assertAddress(address: number): void {
  if (!Number.isInteger(address) || address < 0 || address > U32_MAX) {
    throw new RangeError(`IPv4 address must be an integer in [0, 2^32), got ${address}`);
  }
}

// ---------------------------------------------------------------------------------------
// The Internet checksum (RFC 1071)
// ---------------------------------------------------------------------------------------

/**
 * Adds `length` bytes at `offset` to the one's-complement sum `sum` and returns the new
 * sum folded to 16 bits (`0..0xffff`), not complemented. Allocates nothing.
 *
 * Bytes are taken as big-endian 16-bit words; an odd last byte is the high half of a
 * word whose low half is zero. So data summed in pieces gives the same result as in one
 * piece only when every piece but the last has an even length — which is how headers,
 * pseudo-headers and payloads line up.
 *
 * @remarks
 * RFC 1071 §1 and §4.1; `csum_partial()` in `lib/checksum.c`, except that Linux keeps a
 * 32-bit unfolded `__wsum` and folds in `csum_fold()`. The sum is independent of byte
 * order (RFC 1071 §2(B)) and can be accumulated in any order of even-length pieces.
 *
 * @throws RangeError if the range does not fit in `bytes`, or `sum` is not an integer in
 * `[0, 2^32)`.
 *
 * @example
 * ```ts
 * import { checksumAccumulate } from '@netstage/ipv4';
 * // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to 0xddf2.
 * const bytes = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
 * checksumAccumulate(bytes, 0, 8); // 0xddf2
 * // The same sum in two even-length pieces.
 * checksumAccumulate(bytes, 4, 4, checksumAccumulate(bytes, 0, 4)); // 0xddf2
 * ```
 */
export function checksumAccumulate(
  bytes: Uint8Array,
  offset: number,
  length: number,
  sum = 0,
): number {
  assertRoom(bytes, offset, length);
  if (!Number.isInteger(sum) || sum < 0 || sum > U32_MAX) {
    throw new RangeError(`checksum sum must be an integer in [0, 2^32), got ${sum}`);
  }
  // A double holds the unfolded sum exactly: each word adds at most 0xffff, so 2^37 bytes
  // would be needed to reach 2^53.
  // Two running sums over eight bytes a turn (as csum_partial's unrolled loop): fewer
  // loop tests and independent additions, ~25% faster than a word at a time here.
  let a = sum;
  let b = 0;
  const end = offset + length;
  let i = offset;
  for (; i + 7 < end; i += 8) {
    a += (octet(bytes, i) << 8) | octet(bytes, i + 1);
    b += (octet(bytes, i + 2) << 8) | octet(bytes, i + 3);
    a += (octet(bytes, i + 4) << 8) | octet(bytes, i + 5);
    b += (octet(bytes, i + 6) << 8) | octet(bytes, i + 7);
  }
  for (; i + 1 < end; i += 2) a += (octet(bytes, i) << 8) | octet(bytes, i + 1);
  if (i < end) a += octet(bytes, i) << 8;
  let total = a + b;
  while (total > 0xffff) total = (total % 0x10000) + Math.floor(total / 0x10000);
  return total;
}

/**
 * The Internet checksum of `length` bytes at `offset`: the 16-bit one's complement of
 * their one's-complement sum, starting from the partial sum `initial` (for example a
 * pseudo-header's, from {@link checksumAccumulate}). Works over odd lengths. Allocates
 * nothing.
 *
 * To fill a checksum field, zero it and store the result; to verify data that includes
 * its checksum field, check that the result is `0`.
 *
 * @remarks
 * RFC 1071; RFC 791 (IPv4 header), RFC 792 (ICMP). Linux computes it as
 * `csum_fold(csum_partial(...))` (`include/net/checksum.h`), and the IPv4 header case as
 * `ip_fast_csum()`.
 *
 * @throws RangeError if the range does not fit in `bytes`, or `initial` is not an integer
 * in `[0, 2^32)`.
 *
 * @example
 * ```ts
 * import { internetChecksum } from '@netstage/ipv4';
 * // RFC 1071 §3: sum 0xddf2, checksum 0x220d.
 * const bytes = new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7, 0x22, 0x0d]);
 * internetChecksum(bytes, 0, 8);  // 0x220d
 * internetChecksum(bytes, 0, 10); // 0: the data with its checksum verifies
 * internetChecksum(new Uint8Array([0x01, 0x02, 0x03]), 0, 3); // 0xfbfd (0x0102 + 0x0300)
 * ```
 */
export function internetChecksum(
  bytes: Uint8Array,
  offset: number,
  length: number,
  initial = 0,
): number {
  return ~checksumAccumulate(bytes, offset, length, initial) & 0xffff;
}

/**
 * The Internet checksum of the 20 bytes of an option-less IPv4 header at `offset`: ten
 * words added without a loop, as `ip_fast_csum()` does for `ihl` 5 — the header every
 * datagram netstage sends carries, and nearly every one it receives. Equal to
 * `internetChecksum(bytes, offset, 20)`; the caller has made sure the 20 bytes are there.
 *
 * @remarks
 * `ip_fast_csum()` in `arch/x86/include/asm/checksum_64.h`.
 *
 * @example
 * ```ts
 * import { internetChecksum, ipv4HeaderChecksum } from '@netstage/ipv4';
 * const h = new Uint8Array([0x45, 0, 0, 0x54, 0x12, 0x34, 0x40, 0, 0x40, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
 * ipv4HeaderChecksum(h, 0) === internetChecksum(h, 0, 20); // true
 * ```
 */
export function ipv4HeaderChecksum(bytes: Uint8Array, offset: number): number {
  const o = offset;
  let sum =
    ((octet(bytes, o) << 8) | octet(bytes, o + 1)) +
    ((octet(bytes, o + 2) << 8) | octet(bytes, o + 3)) +
    ((octet(bytes, o + 4) << 8) | octet(bytes, o + 5)) +
    ((octet(bytes, o + 6) << 8) | octet(bytes, o + 7)) +
    ((octet(bytes, o + 8) << 8) | octet(bytes, o + 9)) +
    ((octet(bytes, o + 10) << 8) | octet(bytes, o + 11)) +
    ((octet(bytes, o + 12) << 8) | octet(bytes, o + 13)) +
    ((octet(bytes, o + 14) << 8) | octet(bytes, o + 15)) +
    ((octet(bytes, o + 16) << 8) | octet(bytes, o + 17)) +
    ((octet(bytes, o + 18) << 8) | octet(bytes, o + 19));
  // Ten words sum to under 2^20: two folds bring it to 16 bits.
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

// ---------------------------------------------------------------------------------------
// IPv4 addresses (include/linux/in.h)
// ---------------------------------------------------------------------------------------

/**
 * The limited broadcast address `255.255.255.255`.
 *
 * @remarks
 * `INADDR_BROADCAST` in `include/uapi/linux/in.h`; `ipv4_is_lbcast()` in
 * `include/linux/in.h` tests for it. RFC 919.
 *
 * @example
 * ```ts
 * import { IPV4_BROADCAST, ipv4ToString } from '@netstage/ipv4';
 * ipv4ToString(IPV4_BROADCAST); // '255.255.255.255'
 * ```
 */
export const IPV4_BROADCAST = 0xffff_ffff;

/**
 * Formats an address in dotted-quad decimal, as `ip address` prints it.
 *
 * @remarks
 * The kernel's `%pI4` format; iproute2's `format_host()` without name resolution
 * (`inet_ntop(AF_INET, …)`).
 *
 * @throws RangeError if `address` is not an integer in `[0, 2^32)`.
 *
 * @example
 * ```ts
 * import { ipv4ToString } from '@netstage/ipv4';
 * ipv4ToString(0x0ac80001); // '10.200.0.1'
 * ```
 */
export function ipv4ToString(address: number): string {
  assertAddress(address);
  return `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
}

/** Four decimal parts, 1 to 3 digits, no leading zeros, separated by dots, and nothing else. */
const IPV4_TEXT = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

/**
 * Parses a strict dotted quad — four decimal parts, each `0..255` — into an address,
 * or gives `undefined` for anything else.
 *
 * @remarks
 * The dotted-quad form iproute2's `get_addr_ipv4()` (`lib/utils.c`) takes, only
 * stricter: it reads each part with `strtoul(…, 0)` and stops early, so it also takes
 * `1.2.3` (as `1.2.3.0`), hex (`0x0a`), octal (`010` is 8) and leading `+`, as
 * `inet_aton()` does. Here a part is plain decimal, and a part with a leading zero
 * (`010`) is refused rather than read in either base. Missing, extra or empty parts,
 * signs and surrounding whitespace are refused too.
 *
 * @example
 * ```ts
 * import { parseIpv4 } from '@netstage/ipv4';
 * parseIpv4('10.200.0.1');   // 0x0ac80001
 * parseIpv4('10.200.0.300'); // undefined
 * parseIpv4('1.2.3');        // undefined
 * parseIpv4('010.0.0.1');    // undefined
 * ```
 */
export function parseIpv4(text: string): number | undefined {
  if (!IPV4_TEXT.test(text)) return undefined;
  let address = 0;
  for (const part of text.split('.')) {
    const value = Number(part);
    if (value > 0xff) return undefined;
    address = address * 0x100 + value;
  }
  return address;
}

/**
 * Reads the 4-byte address at `offset`, in network byte order. Allocates nothing.
 *
 * @remarks
 * The inverse of {@link writeIpv4}; what `ntohl(iph->saddr)` gives.
 *
 * @throws RangeError if four bytes do not fit at `offset`.
 *
 * @example
 * ```ts
 * import { ipv4ToString, readIpv4 } from '@netstage/ipv4';
 * const bytes = new Uint8Array([0xaa, 10, 200, 0, 1]);
 * ipv4ToString(readIpv4(bytes, 1)); // '10.200.0.1'
 * ```
 */
export function readIpv4(bytes: Uint8Array, offset: number): number {
  assertRoom(bytes, offset, 4);
  return (
    ((octet(bytes, offset) << 24) |
      (octet(bytes, offset + 1) << 16) |
      (octet(bytes, offset + 2) << 8) |
      octet(bytes, offset + 3)) >>>
    0
  );
}

/**
 * Writes an address as 4 bytes at `offset`, in network byte order.
 *
 * @remarks
 * The inverse of {@link readIpv4}; what `iph->saddr = htonl(address)` stores.
 *
 * @throws RangeError if `address` is not an integer in `[0, 2^32)` or four bytes do not
 * fit at `offset`.
 *
 * @example
 * ```ts
 * import { writeIpv4 } from '@netstage/ipv4';
 * const bytes = new Uint8Array(6);
 * writeIpv4(bytes, 1, 0x0ac80002); // 10.200.0.2
 * bytes; // Uint8Array [0, 10, 200, 0, 2, 0]
 * ```
 */
export function writeIpv4(bytes: Uint8Array, offset: number, address: number): void {
  assertAddress(address);
  assertRoom(bytes, offset, 4);
  bytes[offset] = address >>> 24;
  bytes[offset + 1] = (address >>> 16) & 0xff;
  bytes[offset + 2] = (address >>> 8) & 0xff;
  bytes[offset + 3] = address & 0xff;
}

/**
 * The netmask of a prefix length: `length` leading one bits, as an unsigned number.
 *
 * @remarks
 * `inet_make_mask()` in `include/linux/inetdevice.h`, which also special-cases `0`
 * (a shift by 32 is undefined in C, and in JavaScript shifts by 0).
 *
 * @throws RangeError if `length` is not an integer in `[0, 32]`.
 *
 * @example
 * ```ts
 * import { ipv4ToString, prefixMask } from '@netstage/ipv4';
 * ipv4ToString(prefixMask(24)); // '255.255.255.0'
 * prefixMask(0);                // 0
 * prefixMask(32);               // 0xffffffff
 * ```
 */
export function prefixMask(length: number): number {
  if (!Number.isInteger(length) || length < 0 || length > 32) {
    throw new RangeError(`prefix length must be an integer in [0, 32], got ${length}`);
  }
  return length === 0 ? 0 : (U32_MAX << (32 - length)) >>> 0;
}

/**
 * Whether an address is multicast: in `224.0.0.0/4` (class D).
 *
 * @remarks
 * `ipv4_is_multicast()` in `include/linux/in.h`; RFC 5771.
 *
 * @example
 * ```ts
 * import { isMulticastIpv4 } from '@netstage/ipv4';
 * isMulticastIpv4(0xe0000001); // true  (224.0.0.1)
 * isMulticastIpv4(0x0ac80001); // false (10.200.0.1)
 * ```
 */
export function isMulticastIpv4(address: number): boolean {
  return address >>> 28 === 0xe;
}

/**
 * Whether an address is a loopback address: in `127.0.0.0/8`.
 *
 * @remarks
 * `ipv4_is_loopback()` in `include/linux/in.h`; RFC 1122 §3.2.1.3.
 *
 * @example
 * ```ts
 * import { isLoopbackIpv4 } from '@netstage/ipv4';
 * isLoopbackIpv4(0x7f000001); // true  (127.0.0.1)
 * isLoopbackIpv4(0x7fffffff); // true  (127.255.255.255)
 * isLoopbackIpv4(0x80000001); // false (128.0.0.1)
 * ```
 */
export function isLoopbackIpv4(address: number): boolean {
  return address >>> 24 === 127;
}
