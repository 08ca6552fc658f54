/**
 * What the kernel's `seq_file` printing helpers do for `/proc/net` files: lines padded
 * to a fixed width, addresses and ports in hex as `%08X:%04X`, stable stand-ins for
 * kernel pointers.
 *
 * @module
 */

/**
 * A line padded with spaces to `width` characters, then `\n`, as `seq_setwidth(seq,
 * width - 1)` + `seq_pad(seq, '\n')` do (`/proc/net/udp` uses 128, `tcp` 150: lines of
 * 127 and 149 characters). A longer line is kept whole.
 *
 * @example
 * ```ts
 * import { padLine } from '@netstage/procfs';
 * padLine('ab', 5); // 'ab  \n'
 * ```
 */
export function padLine(line: string, width: number): string {
  const want = width - 1;
  return line.length >= want ? `${line}\n` : `${line}${' '.repeat(want - line.length)}\n`;
}

/**
 * An IPv4 address (host-order number, 10.200.0.1 = 0x0ac80001) as the kernel prints the
 * raw network-order `__be32` with `%08X` on a little-endian machine: `0100C80A`.
 *
 * @example
 * ```ts
 * import { hexAddr } from '@netstage/procfs';
 * hexAddr(0x0ac80001); // '0100C80A'
 * ```
 */
export function hexAddr(address: number): string {
  const swapped = (((address & 0xff) << 24) | ((address & 0xff00) << 8) | ((address >>> 8) & 0xff00) | (address >>> 24)) >>> 0;
  return hex(swapped, 8);
}

/**
 * `n` as upper-case hex, zero-padded to `width` digits (`%0<width>X`).
 *
 * @example
 * ```ts
 * import { hex } from '@netstage/procfs';
 * hex(4000, 4); // '0FA0'
 * ```
 */
export function hex(n: number, width: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(width, '0');
}

/**
 * A stand-in for a kernel pointer printed with `%pK` (hashed: eight zero digits, then 32
 * bits of hash), derived from a stable number such as a socket's inode so every run
 * prints the same value.
 *
 * @remarks
 * Linux hashes pointers with a per-boot key (`lib/vsprintf.c`, `ptr_to_id`); netstage
 * mixes the number with a fixed 32-bit finaliser instead, so outputs are deterministic
 * and distinct objects get distinct-looking values.
 *
 * @example
 * ```ts
 * import { kernelPointer } from '@netstage/procfs';
 * kernelPointer(100500).length; // 16
 * ```
 */
export function kernelPointer(id: number): string {
  let h = (id ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return `00000000${hex(h, 8).toLowerCase()}`;
}
