/**
 * UDP over IPv4 on the wire: a typed view over a datagram and a small repr to parse and
 * emit its 8-byte header, with the checksum over the IPv4 pseudo-header.
 *
 * Bytes and meaning stay apart, as in smoltcp's `src/wire/udp.rs`: {@link UdpDatagram}
 * is a thin view over a `Uint8Array` (the IPv4 payload) whose only way in for untrusted
 * bytes is {@link UdpDatagram.check}, which validates the length field and the checksum;
 * {@link UdpRepr} is a plain object that {@link parseUdp} reads and {@link emitUdp}
 * writes, checksum included.
 *
 * The checksum covers a pseudo-header — the IPv4 source and destination, a zero byte,
 * the protocol (17) and the UDP length — then the header and the payload, so both
 * {@link UdpDatagram.check} and {@link emitUdp} take the two IPv4 addresses as plain
 * unsigned 32-bit numbers (`10.200.0.1` is `0x0ac80001`). The one's-complement sum is
 * computed here, so that this module depends on nothing.
 *
 * Errors: the receive-path entry points ({@link UdpDatagram.check}, {@link parseUdp})
 * never throw; they return a {@link UdpError}. {@link emitUdp} throws `RangeError` when
 * its repr, payload, addresses or buffer are wrong: a bug in netstage, never a property
 * of a received datagram.
 *
 * Mirrors `include/uapi/linux/udp.h` (`struct udphdr`) and `net/ipv4/udp.c`
 * (`__udp4_lib_rcv`, `udp4_csum_init`, `udp_send_skb`); RFC 768.
 *
 * @module
 */

import { assertField, assertRoom, readU16 as word, writeU16 as writeWord } from '@netstage/core-net';
import { checksumAccumulate } from '@netstage/ipv4';

// ---------------------------------------------------------------------------------------
// Sizes (include/uapi/linux/udp.h)
// ---------------------------------------------------------------------------------------

/**
 * Octets in the UDP header: source port, destination port, length and checksum, two
 * bytes each.
 *
 * @remarks
 * `sizeof(struct udphdr)` in `include/uapi/linux/udp.h`; RFC 768. The length field
 * counts these 8 bytes too, so it is never less than this in a valid datagram.
 *
 * @example
 * ```ts
 * import { UDP_HEADER_LENGTH } from '@netstage/sockets';
 * UDP_HEADER_LENGTH; // 8
 * ```
 */
export const UDP_HEADER_LENGTH = 8;

/** The IPv4 protocol number of UDP, for the pseudo-header (`IPPROTO_UDP`, RFC 768). */
const IPPROTO_UDP = 17;

/**
 * The largest datagram, header included, that fits in an IPv4 packet with a 20-byte
 * header: what `__ip_append_data()` allows before it says `EMSGSIZE`.
 */
const MAX_DATAGRAM_LENGTH = 0xffff - 20;

/** The largest port, and the largest value of any 16-bit field. */
const U16_MAX = 0xffff;

/** The largest IPv4 address as an unsigned 32-bit number. */
const U32_MAX = 0xffff_ffff;

// ---------------------------------------------------------------------------------------
// The checksum (RFC 768, RFC 1071)
// ---------------------------------------------------------------------------------------

// The sum itself is ipv4's `checksumAccumulate`: one one's-complement adder for every
// header in the stack.

/**
 * The unfolded sum of the IPv4 pseudo-header: source, destination, a zero byte, the
 * protocol and the UDP length. `>>>` and `&` read any number as 32 bits, so this never
 * throws; {@link emitUdp} checks its addresses first.
 */
function pseudoHeaderSum(source: number, destination: number, udpLength: number): number {
  return (
    (source >>> 16) +
    (source & U16_MAX) +
    (destination >>> 16) +
    (destination & U16_MAX) +
    IPPROTO_UDP +
    udpLength
  );
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * Why bytes are not a UDP datagram, in the order `__udp4_lib_rcv()` tests:
 *
 * - `'truncated'`: fewer than {@link UDP_HEADER_LENGTH} bytes, no room for the header;
 * - `'length'`: the length field is less than {@link UDP_HEADER_LENGTH} or more than
 *   the bytes there are;
 * - `'checksum'`: the checksum field is not zero and does not verify over the
 *   pseudo-header, the header and the payload.
 *
 * @remarks
 * A receive path counts these and drops the datagram; they are never thrown. In
 * `net/ipv4/udp.c`, `__udp4_lib_rcv()` drops a datagram that has no room for the header,
 * and one whose `ulen` is more than `skb->len` or less than `sizeof(struct udphdr)`
 * ("short packet"), counting `InErrors`; a checksum that fails (`udp4_csum_init()`,
 * then `udp_lib_checksum_complete()`) counts `InCsumErrors` as well. RFC 768.
 *
 * @example
 * ```ts
 * import type { UdpError } from '@netstage/sockets';
 * const e: UdpError = { kind: 'checksum' };
 * ```
 */
export type UdpError =
  | { readonly kind: 'truncated' }
  | { readonly kind: 'length' }
  | { readonly kind: 'checksum' };

/** Every `kind` a {@link UdpError} can have. */
const UDP_ERROR_KINDS: ReadonlySet<string> = new Set(['truncated', 'length', 'checksum']);

/**
 * Whether a value is a {@link UdpError}. Narrows the result of
 * {@link UdpDatagram.check} and {@link parseUdp}.
 *
 * @remarks
 * The errors are plain objects, as in the other netstage wire modules, so a receive path
 * can switch on `kind` to pick the counter (RFC 768; `__udp4_lib_rcv()` in
 * `net/ipv4/udp.c`).
 *
 * @example
 * ```ts
 * import { UdpDatagram, isUdpError } from '@netstage/sockets';
 * isUdpError(UdpDatagram.check(new Uint8Array(7), 0x0ac80001, 0x0ac80002)); // true: truncated
 * isUdpError({ kind: 'length' }); // true
 * ```
 */
export function isUdpError(value: unknown): value is UdpError {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && UDP_ERROR_KINDS.has(kind);
}

// ---------------------------------------------------------------------------------------
// The datagram view
// ---------------------------------------------------------------------------------------

/** Where each field starts (`struct udphdr` in `include/uapi/linux/udp.h`). */
const field = {
  /** `source`: 2 bytes, big-endian. */
  SOURCE_PORT: 0,
  /** `dest`: 2 bytes, big-endian. */
  DESTINATION_PORT: 2,
  /** `len`: 2 bytes, big-endian; header and payload. */
  LENGTH: 4,
  /** `check`: 2 bytes, big-endian; 0 means "not computed". */
  CHECKSUM: 6,
  /** The payload runs from here to the end the length field gives. */
  PAYLOAD: 8,
} as const;

/** The first thing wrong with `bytes` as a UDP datagram, in `__udp4_lib_rcv()`'s order. */
function validate(bytes: Uint8Array, source: number, destination: number): UdpError | undefined {
  return udpDatagramError(bytes, 0, source, destination);
}

/**
 * What {@link UdpDatagram.check} finds wrong with the datagram that starts `offset` bytes
 * into `bytes` and runs at most to its end, or undefined when it is a UDP datagram — with
 * no view made: a receive path reads the header fields from `bytes` itself afterwards.
 * With `checksumUnnecessary` the checksum is taken as good without summing (a frame
 * whose sending stack computed it, across veth or loopback). Never throws.
 *
 * @remarks
 * `__udp4_lib_rcv()` in `net/ipv4/udp.c` checks the header in place in the skb, after
 * the IP header (`skb_transport_header`); the checks and their order are those of
 * {@link UdpError}. `udp4_csum_init()` skips the sum when `skb_csum_unnecessary()`.
 * RFC 768.
 *
 * @example
 * ```ts
 * import { udpDatagramError } from '@netstage/sockets';
 * // 20 bytes of IP header (not read), then 10.200.0.1:45678 -> 10.200.0.2:4000, "hello"
 * const packet = new Uint8Array(20 + 13);
 * packet.set([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x0d, 0xe4, 0x60, 0x68, 0x65, 0x6c, 0x6c, 0x6f], 20);
 * udpDatagramError(packet, 20, 0x0ac80001, 0x0ac80002); // undefined: a good datagram
 * udpDatagramError(packet, 26, 0x0ac80001, 0x0ac80002); // { kind: 'truncated' }
 * ```
 */
export function udpDatagramError(
  bytes: Uint8Array,
  offset: number,
  source: number,
  destination: number,
  checksumUnnecessary = false,
): UdpError | undefined {
  const available = bytes.length - offset;
  if (available < UDP_HEADER_LENGTH) return { kind: 'truncated' };
  const length = word(bytes, offset + field.LENGTH);
  if (length > available || length < UDP_HEADER_LENGTH) return { kind: 'length' };
  if (checksumUnnecessary || word(bytes, offset + field.CHECKSUM) === 0) return undefined;
  const sum = checksumAccumulate(bytes, offset, length, pseudoHeaderSum(source, destination, length));
  return sum === U16_MAX ? undefined : { kind: 'checksum' };
}

/**
 * A read-only typed view over the bytes of one UDP datagram: the payload of an IPv4
 * packet with protocol `IPPROTO_UDP` (17).
 *
 * Untrusted bytes come in only through {@link UdpDatagram.check}; after it succeeds no
 * accessor can throw. Nothing is copied: {@link UdpDatagram.bytes} and
 * {@link UdpDatagram.payload} are views of the same memory, bounded by the length field
 * — bytes past it are not part of the datagram.
 *
 * @remarks
 * The view over `struct udphdr` (`include/uapi/linux/udp.h`) that `__udp4_lib_rcv()` in
 * `net/ipv4/udp.c` validates before it looks up a socket; RFC 768.
 *
 * @example
 * ```ts
 * import { UdpDatagram, isUdpError } from '@netstage/sockets';
 * // 10.200.0.1:45678 -> 10.200.0.2:4000, payload "hello"
 * const bytes = new Uint8Array([
 *   0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x0d, 0xe4, 0x60, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
 * ]);
 * const udp = UdpDatagram.check(bytes, 0x0ac80001, 0x0ac80002);
 * if (!isUdpError(udp)) {
 *   udp.sourcePort;      // 45678
 *   udp.destinationPort; // 4000
 *   udp.length;          // 13
 *   udp.checksum;        // 0xe460
 *   new TextDecoder().decode(udp.payload); // 'hello'
 * }
 * ```
 */
export class UdpDatagram {
  /**
   * The datagram as its length field bounds it: header and payload, without any bytes
   * past that length (as `pskb_trim_rcsum()` trims the skb). A view of the bytes given
   * to {@link UdpDatagram.check}, never a copy.
   */
  readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /**
   * Wraps untrusted bytes, or says why they are not a UDP datagram (see
   * {@link UdpError}): at least {@link UDP_HEADER_LENGTH} of them, a length field from
   * 8 up to `bytes.length`, and a checksum that is 0 or verifies over the pseudo-header
   * of `source` and `destination`. Bytes past the length field are ignored, the
   * checksum included. Never throws.
   *
   * @param bytes - The IPv4 payload: header and payload of the datagram, and possibly
   *   trailing bytes the length field leaves out.
   * @param source - The IPv4 source address, as an unsigned 32-bit number.
   * @param destination - The IPv4 destination address, as an unsigned 32-bit number.
   *
   * @example
   * ```ts
   * import { UdpDatagram } from '@netstage/sockets';
   * const a = 0x0ac80001; // 10.200.0.1
   * const b = 0x0ac80002; // 10.200.0.2
   * UdpDatagram.check(new Uint8Array(7), a, b); // { kind: 'truncated' }
   * UdpDatagram.check(new Uint8Array([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x09, 0x00, 0x00]), a, b);
   * // { kind: 'length' }: 9 bytes claimed, 8 there
   * UdpDatagram.check(new Uint8Array([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x08, 0x12, 0x34]), a, b);
   * // { kind: 'checksum' }
   * UdpDatagram.check(new Uint8Array([0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x08, 0x00, 0x00]), a, b)
   *   instanceof UdpDatagram; // true: checksum 0 is "not computed"
   * ```
   */
  static check(bytes: Uint8Array, source: number, destination: number): UdpDatagram | UdpError {
    const error = validate(bytes, source, destination);
    if (error !== undefined) return error;
    const length = word(bytes, field.LENGTH);
    return new UdpDatagram(length === bytes.length ? bytes : bytes.subarray(0, length));
  }

  /** The source port (`source`, offset 0). */
  get sourcePort(): number {
    return word(this.bytes, field.SOURCE_PORT);
  }

  /** The destination port (`dest`, offset 2). */
  get destinationPort(): number {
    return word(this.bytes, field.DESTINATION_PORT);
  }

  /** The length field (`len`, offset 4): header and payload, 8 or more. */
  get length(): number {
    return word(this.bytes, field.LENGTH);
  }

  /** The checksum as sent (`check`, offset 6): 0 if the sender computed none. */
  get checksum(): number {
    return word(this.bytes, field.CHECKSUM);
  }

  /**
   * The `length - 8` bytes after the header: a view of the same bytes, never a copy.
   * Bytes past the length field are not in it.
   */
  get payload(): Uint8Array {
    return this.bytes.subarray(field.PAYLOAD);
  }
}

// ---------------------------------------------------------------------------------------
// The repr
// ---------------------------------------------------------------------------------------

/**
 * The meaning of a UDP header, without the bytes: the ports and how much payload
 * follows. The length and checksum fields are derived from it on emit.
 *
 * @remarks
 * The fields of `struct udphdr` (`include/uapi/linux/udp.h`) a sender chooses; RFC 768.
 * smoltcp's `UdpRepr` keeps the payload beside the repr in the same way.
 *
 * @example
 * ```ts
 * import type { UdpRepr } from '@netstage/sockets';
 * const repr: UdpRepr = { sourcePort: 45678, destinationPort: 4000, payloadLength: 5 };
 * ```
 */
export interface UdpRepr {
  /** Source port, 0..0xffff (0: none, RFC 768). */
  sourcePort: number;
  /** Destination port, 0..0xffff. */
  destinationPort: number;
  /** Octets of payload after the 8-byte header: the length field less 8. */
  payloadLength: number;
}

/**
 * Checks untrusted bytes as {@link UdpDatagram.check} does and reads the header into a
 * repr, or says why they are not a UDP datagram. Never throws.
 *
 * @remarks
 * `__udp4_lib_rcv()` in `net/ipv4/udp.c`, then the ports `__udp4_lib_lookup_skb()`
 * reads; RFC 768. The payload is {@link UdpDatagram.payload} of the same bytes.
 *
 * @example
 * ```ts
 * import { parseUdp } from '@netstage/sockets';
 * const bytes = new Uint8Array([
 *   0xb2, 0x6e, 0x0f, 0xa0, 0x00, 0x0d, 0xe4, 0x60, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
 * ]);
 * parseUdp(bytes, 0x0ac80001, 0x0ac80002);
 * // { sourcePort: 45678, destinationPort: 4000, payloadLength: 5 }
 * parseUdp(bytes, 0x0ac80001, 0x0ac80003); // { kind: 'checksum' }: another destination
 * ```
 */
export function parseUdp(bytes: Uint8Array, source: number, destination: number): UdpRepr | UdpError {
  const error = validate(bytes, source, destination);
  if (error !== undefined) return error;
  return {
    sourcePort: word(bytes, field.SOURCE_PORT),
    destinationPort: word(bytes, field.DESTINATION_PORT),
    payloadLength: word(bytes, field.LENGTH) - UDP_HEADER_LENGTH,
  };
}

/**
 * Octets a datagram with `payloadLength` bytes of payload takes: `8 + payloadLength`,
 * which is also its length field.
 *
 * @remarks
 * `sizeof(struct udphdr) + len`, as `udp_sendmsg()` sizes it in `net/ipv4/udp.c`;
 * RFC 768.
 *
 * @example
 * ```ts
 * import { udpBufferLength } from '@netstage/sockets';
 * udpBufferLength(5); // 13
 * ```
 */
export function udpBufferLength(payloadLength: number): number {
  return UDP_HEADER_LENGTH + payloadLength;
}

/**
 * Writes the 8-byte header of `repr` into `bytes` at `offset`, the payload after it when
 * `payload` is given, and the checksum over the pseudo-header of `source` and
 * `destination`, the header and the payload. Build an outgoing datagram by emitting into
 * a buffer of exactly {@link udpBufferLength} bytes (or at that offset of the IPv4
 * packet's buffer).
 *
 * @remarks
 * What `udp_send_skb()` in `net/ipv4/udp.c` builds: `len` is `8 + payloadLength`, and
 * the checksum is `csum_tcpudp_magic()` of the pseudo-header and `udp_csum()`; one that
 * comes out 0 is sent as 0xffff (`CSUM_MANGLED_0` in `include/net/checksum.h`), because
 * 0 on the wire means "not computed" (RFC 768). A checksum is always computed: netstage
 * has no `SO_NO_CHECK`. `payload` may be a view of the same buffer: it is copied as if
 * first copied out.
 *
 * @param repr - The ports and the payload length.
 * @param payload - The payload, exactly `repr.payloadLength` bytes; or `undefined` when
 *   the caller has already written it at `offset + 8`.
 * @param bytes - The buffer to write into.
 * @param offset - Where the UDP header starts in `bytes`.
 * @param source - The IPv4 source address, as an unsigned 32-bit number.
 * @param destination - The IPv4 destination address, as an unsigned 32-bit number.
 *
 * @throws RangeError if a port is not a 16-bit integer, `payloadLength` is not an
 * integer that keeps the datagram within an IPv4 packet (at most 65507), `payload` is
 * not `payloadLength` bytes long, an address is not an integer in `[0, 2^32)`, or the
 * datagram does not fit at `offset`. A refused emit leaves `bytes` untouched.
 *
 * @example
 * ```ts
 * import { emitUdp, udpBufferLength, type UdpRepr } from '@netstage/sockets';
 * const payload = new TextEncoder().encode('hello');
 * const repr: UdpRepr = { sourcePort: 45678, destinationPort: 4000, payloadLength: payload.length };
 * const bytes = new Uint8Array(udpBufferLength(repr.payloadLength));
 * emitUdp(repr, payload, bytes, 0, 0x0ac80001, 0x0ac80002);
 * bytes; // b2 6e 0f a0 00 0d e4 60 68 65 6c 6c 6f (hex)
 * ```
 */
export function emitUdp(
  repr: UdpRepr,
  payload: Uint8Array | undefined,
  bytes: Uint8Array,
  offset: number,
  source: number,
  destination: number,
): void {
  emitUdpFields(bytes, offset, source, destination, repr.sourcePort, repr.destinationPort, repr.payloadLength, payload);
}

/**
 * {@link emitUdp} with the ports and payload length as arguments instead of a
 * {@link UdpRepr}: the same checks, the same bytes, the same errors, and no object per
 * datagram.
 *
 * @remarks
 * For the send path (`udp_send_skb()` in `net/ipv4/udp.c`), which builds one header per
 * datagram: a repr object each time was a measurable share of a UDP send. The checksum
 * is always computed, 0 sent as 0xffff, as {@link emitUdp} describes.
 *
 * @throws RangeError as {@link emitUdp} does; a refused emit leaves `bytes` untouched.
 *
 * @example
 * ```ts
 * import { emitUdpFields, udpBufferLength } from '@netstage/sockets';
 * const payload = new TextEncoder().encode('hello');
 * const bytes = new Uint8Array(udpBufferLength(payload.length));
 * emitUdpFields(bytes, 0, 0x0ac80001, 0x0ac80002, 45678, 4000, payload.length, payload);
 * bytes; // b2 6e 0f a0 00 0d e4 60 68 65 6c 6c 6f (hex)
 * ```
 */
export function emitUdpFields(
  bytes: Uint8Array,
  offset: number,
  source: number,
  destination: number,
  sourcePort: number,
  destinationPort: number,
  payloadLength: number,
  payload: Uint8Array | undefined,
): void {
  // Check everything before writing anything: a refused emit leaves `bytes` untouched.
  assertField('sourcePort', sourcePort, U16_MAX);
  assertField('destinationPort', destinationPort, U16_MAX);
  assertField('payloadLength', payloadLength, MAX_DATAGRAM_LENGTH - UDP_HEADER_LENGTH);
  if (payload !== undefined && payload.length !== payloadLength) {
    throw new RangeError(`payload is ${payload.length} bytes, but payloadLength is ${payloadLength}`);
  }
  assertField('source', source, U32_MAX);
  assertField('destination', destination, U32_MAX);
  const length = udpBufferLength(payloadLength);
  assertRoom(bytes, offset, length);

  const o = offset;
  if (payload !== undefined) bytes.set(payload, o + field.PAYLOAD);
  writeWord(bytes, o + field.SOURCE_PORT, sourcePort);
  writeWord(bytes, o + field.DESTINATION_PORT, destinationPort);
  writeWord(bytes, o + field.LENGTH, length);
  writeWord(bytes, o + field.CHECKSUM, 0);
  const sum = checksumAccumulate(bytes, o, length, pseudoHeaderSum(source, destination, length));
  const checksum = ~sum & U16_MAX;
  writeWord(bytes, o + field.CHECKSUM, checksum === 0 ? U16_MAX : checksum);
}
