/**
 * Network byte order: reading and writing the big-endian fields of packet headers, and
 * the two preconditions every wire module checks before it writes. One copy for the
 * Ethernet, ARP, IPv4, ICMP and UDP modules of the layers above.
 *
 * Readers take an index the caller has already bounds-checked (a packet that is too
 * short is the caller's to reject, as a counted drop), so they never throw; a byte past
 * the end reads as 0. Allocation-free.
 *
 * @module
 */

/**
 * Throws unless `length` bytes fit in `bytes` at `offset`.
 *
 * @example
 * ```ts
 * import { assertRoom } from '@netstage/core-net';
 * assertRoom(new Uint8Array(8), 4, 4); // fits
 * ```
 *
 * @throws RangeError when `offset` or `length` is not a non-negative integer, or the
 *   bytes would run past the end.
 */
export function assertRoom(bytes: Uint8Array, offset: number, length: number): void {
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > bytes.length) {
    throw new RangeError(`${length} bytes at offset ${offset} do not fit in a buffer of ${bytes.length}`);
  }
}

/**
 * Throws unless `value` is an integer in `[0, max]` — a header field about to be written.
 *
 * @example
 * ```ts
 * import { assertField } from '@netstage/core-net';
 * assertField('ttl', 64, 0xff); // fine
 * ```
 *
 * @throws RangeError naming the field otherwise.
 */
export function assertField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer in [0, ${max}], got ${value}`);
  }
}

/**
 * The byte at `index` (0 past the end).
 *
 * @example
 * ```ts
 * import { readU8 } from '@netstage/core-net';
 * readU8(Uint8Array.of(0x45), 0); // 0x45
 * ```
 */
export function readU8(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}

/**
 * The big-endian 16-bit word at `index`.
 *
 * @example
 * ```ts
 * import { readU16 } from '@netstage/core-net';
 * readU16(Uint8Array.of(0x08, 0x00), 0); // 0x0800
 * ```
 */
export function readU16(bytes: Uint8Array, index: number): number {
  return (readU8(bytes, index) << 8) | readU8(bytes, index + 1);
}

/**
 * The big-endian 32-bit word at `index`, unsigned.
 *
 * @example
 * ```ts
 * import { readU32 } from '@netstage/core-net';
 * readU32(Uint8Array.of(10, 0, 0, 1), 0); // 0x0a000001
 * ```
 */
export function readU32(bytes: Uint8Array, index: number): number {
  return readU16(bytes, index) * 0x10000 + readU16(bytes, index + 2);
}

/**
 * Writes `value` (0..0xffff, which the caller has checked) as a big-endian word at `index`.
 *
 * @example
 * ```ts
 * import { writeU16 } from '@netstage/core-net';
 * const b = new Uint8Array(2);
 * writeU16(b, 0, 0x0806);
 * b[0]; // 0x08
 * ```
 */
export function writeU16(bytes: Uint8Array, index: number, value: number): void {
  bytes[index] = value >>> 8;
  bytes[index + 1] = value & 0xff;
}
