/**
 * ICMP for IPv4 on the wire: the type and code numbers, a typed view over a message and
 * a small repr — echo request and reply, destination unreachable, time exceeded — to
 * parse and emit one.
 *
 * Bytes and meaning stay apart, as in smoltcp's `src/wire/icmpv4.rs`: {@link IcmpPacket}
 * is a thin view over a `Uint8Array` (the IPv4 payload) whose only way in for untrusted
 * bytes is {@link IcmpPacket.check}, which verifies the checksum over the whole message;
 * {@link IcmpRepr} is a discriminated union that {@link parseIcmp} reads and
 * {@link emitIcmp} writes, checksum included.
 *
 * Errors: the receive-path entry points ({@link IcmpPacket.check}, {@link parseIcmp})
 * never throw; they return an {@link IcmpError}. {@link emitIcmp} throws `RangeError`
 * when its repr or buffer is wrong: a bug in netstage, never a property of a received
 * message.
 *
 * Mirrors `include/uapi/linux/icmp.h` and `net/ipv4/icmp.c` (`icmp_rcv`, `icmp_echo`,
 * `__icmp_send`).
 *
 * @module
 */

import { assertField, assertRoom, readU16 as word, readU8 as octet } from '@netstage/core-net';
import { checksumAccumulate, internetChecksum } from './checksum.js';

// ---------------------------------------------------------------------------------------
// Types, codes and sizes (include/uapi/linux/icmp.h)
// ---------------------------------------------------------------------------------------

/**
 * Octets in the ICMP header: type, code, checksum and the 4-byte "rest of header"
 * (identifier and sequence, the next-hop MTU, or unused).
 *
 * @remarks
 * `sizeof(struct icmphdr)` in `include/uapi/linux/icmp.h`; RFC 792.
 *
 * @example
 * ```ts
 * import { ICMP_HEADER_LENGTH } from '@netstage/ipv4';
 * ICMP_HEADER_LENGTH; // 8
 * ```
 */
export const ICMP_HEADER_LENGTH = 8;

/**
 * The type of an echo reply.
 *
 * @remarks
 * `ICMP_ECHOREPLY` in `include/uapi/linux/icmp.h`; RFC 792. `icmp_echo()` answers
 * {@link ICMP_ECHO} with it.
 *
 * @example
 * ```ts
 * import { ICMP_ECHOREPLY } from '@netstage/ipv4';
 * ICMP_ECHOREPLY; // 0
 * ```
 */
export const ICMP_ECHOREPLY = 0;

/**
 * The type of a destination unreachable message; its code says why (`ICMP_*_UNREACH`,
 * {@link ICMP_FRAG_NEEDED}).
 *
 * @remarks
 * `ICMP_DEST_UNREACH` in `include/uapi/linux/icmp.h`; RFC 792, RFC 1122 §3.2.2.1.
 *
 * @example
 * ```ts
 * import { ICMP_DEST_UNREACH } from '@netstage/ipv4';
 * ICMP_DEST_UNREACH; // 3
 * ```
 */
export const ICMP_DEST_UNREACH = 3;

/**
 * The type of an echo request, what `ping` sends.
 *
 * @remarks
 * `ICMP_ECHO` in `include/uapi/linux/icmp.h`; RFC 792.
 *
 * @example
 * ```ts
 * import { ICMP_ECHO } from '@netstage/ipv4';
 * ICMP_ECHO; // 8
 * ```
 */
export const ICMP_ECHO = 8;

/**
 * The type of a time exceeded message; its code is {@link ICMP_EXC_TTL} or
 * {@link ICMP_EXC_FRAGTIME}.
 *
 * @remarks
 * `ICMP_TIME_EXCEEDED` in `include/uapi/linux/icmp.h`; RFC 792.
 *
 * @example
 * ```ts
 * import { ICMP_TIME_EXCEEDED } from '@netstage/ipv4';
 * ICMP_TIME_EXCEEDED; // 11
 * ```
 */
export const ICMP_TIME_EXCEEDED = 11;

/**
 * Destination unreachable code: no route to the network.
 *
 * @remarks
 * `ICMP_NET_UNREACH` in `include/uapi/linux/icmp.h`; RFC 792.
 *
 * @example
 * ```ts
 * import { ICMP_NET_UNREACH } from '@netstage/ipv4';
 * ICMP_NET_UNREACH; // 0
 * ```
 */
export const ICMP_NET_UNREACH = 0;

/**
 * Destination unreachable code: the host did not answer ARP, or there is no route to
 * it.
 *
 * @remarks
 * `ICMP_HOST_UNREACH` in `include/uapi/linux/icmp.h`; RFC 792. Linux sends it from
 * `ipv4_link_failure()` when neighbour resolution fails.
 *
 * @example
 * ```ts
 * import { ICMP_HOST_UNREACH } from '@netstage/ipv4';
 * ICMP_HOST_UNREACH; // 1
 * ```
 */
export const ICMP_HOST_UNREACH = 1;

/**
 * Destination unreachable code: no handler for the IP protocol number.
 *
 * @remarks
 * `ICMP_PROT_UNREACH` in `include/uapi/linux/icmp.h`; RFC 792. Sent by
 * `ip_protocol_deliver_rcu()` when no raw socket took the packet either.
 *
 * @example
 * ```ts
 * import { ICMP_PROT_UNREACH } from '@netstage/ipv4';
 * ICMP_PROT_UNREACH; // 2
 * ```
 */
export const ICMP_PROT_UNREACH = 2;

/**
 * Destination unreachable code: no socket on the UDP port.
 *
 * @remarks
 * `ICMP_PORT_UNREACH` in `include/uapi/linux/icmp.h`; RFC 792. Sent by
 * `__udp4_lib_rcv()`.
 *
 * @example
 * ```ts
 * import { ICMP_PORT_UNREACH } from '@netstage/ipv4';
 * ICMP_PORT_UNREACH; // 3
 * ```
 */
export const ICMP_PORT_UNREACH = 3;

/**
 * Destination unreachable code: the packet needs fragmenting but has DF set; bytes 6–7
 * carry the next-hop MTU.
 *
 * @remarks
 * `ICMP_FRAG_NEEDED` in `include/uapi/linux/icmp.h`; RFC 792, RFC 1191 §4 (the MTU
 * field). Sent by `ip_forward()` and `ip_fragment()`.
 *
 * @example
 * ```ts
 * import { ICMP_FRAG_NEEDED } from '@netstage/ipv4';
 * ICMP_FRAG_NEEDED; // 4
 * ```
 */
export const ICMP_FRAG_NEEDED = 4;

/**
 * Time exceeded code: the TTL reached zero in transit.
 *
 * @remarks
 * `ICMP_EXC_TTL` in `include/uapi/linux/icmp.h`; RFC 792. Sent by `ip_forward()`;
 * what `traceroute` listens for.
 *
 * @example
 * ```ts
 * import { ICMP_EXC_TTL } from '@netstage/ipv4';
 * ICMP_EXC_TTL; // 0
 * ```
 */
export const ICMP_EXC_TTL = 0;

/**
 * Time exceeded code: reassembly did not complete in time.
 *
 * @remarks
 * `ICMP_EXC_FRAGTIME` in `include/uapi/linux/icmp.h`; RFC 792. Sent by `ip_expire()`
 * in `net/ipv4/ip_fragment.c` when the first fragment had arrived.
 *
 * @example
 * ```ts
 * import { ICMP_EXC_FRAGTIME } from '@netstage/ipv4';
 * ICMP_EXC_FRAGTIME; // 1
 * ```
 */
export const ICMP_EXC_FRAGTIME = 1;

// ---------------------------------------------------------------------------------------
// Preconditions and byte access
// ---------------------------------------------------------------------------------------

/** The largest ICMP message: an IPv4 payload of 65535 - 20 bytes. */
const MAX_MESSAGE_LENGTH = 0xffff - 20;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * Why bytes are not an ICMP message, in the order `icmp_rcv()` tests:
 *
 * - `'checksum'`: the message does not sum right; `checksum` is the field as sent and
 *   `expected` what it should have been (in a message too short to hold the field, a
 *   missing byte reads as zero);
 * - `'truncated'`: fewer than {@link ICMP_HEADER_LENGTH} bytes (`length` of them), but
 *   a valid checksum;
 * - `'unsupported'` ({@link parseIcmp} only): a sound message of a `type` and `code`
 *   that {@link IcmpRepr} does not represent.
 *
 * @remarks
 * A receive path counts these and drops the message; they are never thrown.
 * `icmp_rcv()` in `net/ipv4/icmp.c` validates the checksum before it pulls the header,
 * so a short message with a bad checksum is a `'checksum'` error: it counts
 * `InCsumErrors` and `InErrors`, a short one with a good checksum `InErrors` only.
 *
 * @example
 * ```ts
 * import type { IcmpError } from '@netstage/ipv4';
 * const e: IcmpError = { kind: 'checksum', checksum: 0x1234, expected: 0xeeb7 };
 * ```
 */
export type IcmpError =
  | { readonly kind: 'checksum'; readonly checksum: number; readonly expected: number }
  | { readonly kind: 'truncated'; readonly length: number }
  | { readonly kind: 'unsupported'; readonly type: number; readonly code: number };

/** Every `kind` an {@link IcmpError} can have; none is a {@link IcmpRepr} kind. */
const ICMP_ERROR_KINDS: ReadonlySet<string> = new Set(['checksum', 'truncated', 'unsupported']);

/**
 * Whether a value is an {@link IcmpError}. Narrows the result of
 * {@link IcmpPacket.check} and {@link parseIcmp}.
 *
 * @example
 * ```ts
 * import { IcmpPacket, isIcmpError } from '@netstage/ipv4';
 * isIcmpError(IcmpPacket.check(new Uint8Array(8))); // true: bad checksum
 * ```
 */
export function isIcmpError(value: unknown): value is IcmpError {
  if (typeof value !== 'object' || value === null) return false;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && ICMP_ERROR_KINDS.has(kind);
}

// ---------------------------------------------------------------------------------------
// The message view
// ---------------------------------------------------------------------------------------

/** Where each field starts (`struct icmphdr` in `include/uapi/linux/icmp.h`). */
const field = {
  /** `type`: 1 byte. */
  TYPE: 0,
  /** `code`: 1 byte. */
  CODE: 1,
  /** `checksum`: 2 bytes, big-endian, over the whole message. */
  CHECKSUM: 2,
  /** `un.echo.id`: 2 bytes, big-endian (echo request and reply). */
  IDENTIFIER: 4,
  /** `un.echo.sequence`: 2 bytes, big-endian (echo request and reply). */
  SEQUENCE: 6,
  /** `un.frag.mtu`: 2 bytes, big-endian (destination unreachable, fragmentation needed). */
  MTU: 6,
  /** The data — echo data, or the quoted original datagram — runs from here to the end. */
  DATA: 8,
} as const;

/**
 * The checksum a message should carry: the complement of its sum with the checksum
 * field left out. The first piece is 2 bytes long, so the pieces chain.
 */
function expectedChecksum(bytes: Uint8Array): number {
  const length = bytes.length;
  const head = checksumAccumulate(bytes, 0, Math.min(length, field.CHECKSUM));
  const rest = field.CHECKSUM + 2;
  return internetChecksum(bytes, Math.min(length, rest), Math.max(0, length - rest), head);
}

/** The first thing wrong with `bytes` as an ICMP message, in `icmp_rcv()`'s order. */
function validate(bytes: Uint8Array): IcmpError | undefined {
  if (internetChecksum(bytes, 0, bytes.length) !== 0) {
    return { kind: 'checksum', checksum: word(bytes, field.CHECKSUM), expected: expectedChecksum(bytes) };
  }
  if (bytes.length < ICMP_HEADER_LENGTH) return { kind: 'truncated', length: bytes.length };
  return undefined;
}

/**
 * A read-only typed view over the bytes of one ICMP message: the payload of an IPv4
 * packet with protocol `IPPROTO_ICMP`, exactly as long as that payload.
 *
 * Untrusted bytes come in only through {@link IcmpPacket.check}; after it succeeds no
 * accessor can throw. Nothing is copied: {@link IcmpPacket.data} is a `subarray` of the
 * same memory. Every accessor reads its bytes whatever the type: {@link identifier} and
 * {@link sequence} mean something for echo messages, {@link mtu} for fragmentation
 * needed.
 *
 * @remarks
 * The view over `struct icmphdr` (`include/uapi/linux/icmp.h`) that `icmp_rcv()` in
 * `net/ipv4/icmp.c` validates and dispatches on `type`.
 *
 * @example
 * ```ts
 * import { ICMP_ECHO, IcmpPacket, isIcmpError } from '@netstage/ipv4';
 * const bytes = new Uint8Array([0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01]);
 * const icmp = IcmpPacket.check(bytes);
 * if (!isIcmpError(icmp)) {
 *   icmp.type === ICMP_ECHO; // true
 *   icmp.identifier;         // 0x1234
 *   icmp.sequence;           // 1
 *   icmp.data.length;        // 0
 * }
 * ```
 */
export class IcmpPacket {
  /** The whole message: header and data. */
  readonly bytes: Uint8Array;

  private constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /**
   * Wraps untrusted bytes, or says why they are not an ICMP message (see
   * {@link IcmpError}): the checksum over all of `bytes` must verify, and there must be
   * at least {@link ICMP_HEADER_LENGTH} of them. Never throws.
   *
   * @example
   * ```ts
   * import { IcmpPacket } from '@netstage/ipv4';
   * IcmpPacket.check(new Uint8Array([0x08, 0x00, 0xf7, 0xff])); // { kind: 'truncated', length: 4 }
   * IcmpPacket.check(new Uint8Array([0x08, 0x00, 0x00, 0x00, 0, 0, 0, 0]));
   * // { kind: 'checksum', checksum: 0, expected: 0xf7ff }
   * ```
   */
  static check(bytes: Uint8Array): IcmpPacket | IcmpError {
    return validate(bytes) ?? new IcmpPacket(bytes);
  }

  /**
   * Wraps bytes without checking the checksum: only for bytes netstage produced itself,
   * such as a buffer it just filled with {@link emitIcmp}. The accessors then read
   * whatever is there, and never throw.
   *
   * @throws RangeError if `bytes` is shorter than {@link ICMP_HEADER_LENGTH}: a bug in
   * the caller.
   *
   * @example
   * ```ts
   * import { IcmpPacket, emitIcmp, icmpBufferLength, type IcmpRepr } from '@netstage/ipv4';
   * const repr: IcmpRepr = { kind: 'echo-reply', identifier: 7, sequence: 2, data: new Uint8Array(4) };
   * const bytes = new Uint8Array(icmpBufferLength(repr));
   * emitIcmp(repr, bytes);
   * IcmpPacket.unchecked(bytes).sequence; // 2
   * ```
   */
  static unchecked(bytes: Uint8Array): IcmpPacket {
    assertRoom(bytes, 0, ICMP_HEADER_LENGTH);
    return new IcmpPacket(bytes);
  }

  /** The message type (`type`, offset 0), such as {@link ICMP_ECHO}. */
  get type(): number {
    return octet(this.bytes, field.TYPE);
  }

  /** The code (`code`, offset 1), such as {@link ICMP_PORT_UNREACH}. */
  get code(): number {
    return octet(this.bytes, field.CODE);
  }

  /** The checksum as sent (`checksum`, offset 2): valid once checked. */
  get checksum(): number {
    return word(this.bytes, field.CHECKSUM);
  }

  /** The echo identifier (`un.echo.id`, offset 4). */
  get identifier(): number {
    return word(this.bytes, field.IDENTIFIER);
  }

  /** The echo sequence number (`un.echo.sequence`, offset 6). */
  get sequence(): number {
    return word(this.bytes, field.SEQUENCE);
  }

  /** The next-hop MTU of a fragmentation-needed message (`un.frag.mtu`, offset 6; RFC 1191). */
  get mtu(): number {
    return word(this.bytes, field.MTU);
  }

  /**
   * Everything after the 8-byte header: the echo data, or the quoted original datagram
   * of an error. A view of the same bytes, never a copy.
   */
  get data(): Uint8Array {
    return this.bytes.subarray(field.DATA);
  }
}

// ---------------------------------------------------------------------------------------
// The repr
// ---------------------------------------------------------------------------------------

/**
 * An echo request (`ping`) or echo reply.
 *
 * @remarks
 * RFC 792 "Echo or Echo Reply Message"; `icmp_echo()` in `net/ipv4/icmp.c` answers a
 * request with the same identifier, sequence and data. Linux's `ping` sends 56 bytes of
 * data by default (an 84-byte IPv4 packet).
 *
 * @example
 * ```ts
 * import type { IcmpEchoRepr } from '@netstage/ipv4';
 * const ping: IcmpEchoRepr = {
 *   kind: 'echo-request', identifier: 0x1234, sequence: 1, data: new Uint8Array(56),
 * };
 * ```
 */
export interface IcmpEchoRepr {
  /** Request ({@link ICMP_ECHO}) or reply ({@link ICMP_ECHOREPLY}); the code is 0. */
  kind: 'echo-request' | 'echo-reply';
  /** Identifier, 0..0xffff: which `ping` this is. */
  identifier: number;
  /** Sequence number, 0..0xffff. */
  sequence: number;
  /** The data, echoed back unchanged. */
  data: Uint8Array;
}

/**
 * A destination unreachable message.
 *
 * @remarks
 * RFC 792; the next-hop MTU of {@link ICMP_FRAG_NEEDED} is RFC 1191 §4. `original` is
 * the start of the datagram that could not be delivered, from its IPv4 header on: at
 * least the header and 8 bytes of payload (RFC 792), and as Linux's `__icmp_send()`
 * quotes it, as much of the datagram as keeps the error within 576 bytes — so a small
 * datagram is quoted whole.
 *
 * @example
 * ```ts
 * import { ICMP_FRAG_NEEDED, type IcmpDestUnreachableRepr } from '@netstage/ipv4';
 * const tooBig: IcmpDestUnreachableRepr = {
 *   kind: 'dest-unreachable', code: ICMP_FRAG_NEEDED, mtu: 1400, original: new Uint8Array(28),
 * };
 * ```
 */
export interface IcmpDestUnreachableRepr {
  /** {@link ICMP_DEST_UNREACH}. */
  kind: 'dest-unreachable';
  /** Why: {@link ICMP_NET_UNREACH}, {@link ICMP_PORT_UNREACH}, {@link ICMP_FRAG_NEEDED}, … (0..255). */
  code: number;
  /**
   * The next-hop MTU, 0..0xffff: present exactly when `code` is {@link ICMP_FRAG_NEEDED}
   * in a parsed message; when emitting that code without it, 0 is sent (as a router
   * older than RFC 1191 does).
   */
  mtu?: number;
  /** The quoted start of the offending datagram, IPv4 header first. */
  original: Uint8Array;
}

/**
 * A time exceeded message.
 *
 * @remarks
 * RFC 792; `original` is quoted as for {@link IcmpDestUnreachableRepr}. Linux sends
 * {@link ICMP_EXC_TTL} from `ip_forward()` and {@link ICMP_EXC_FRAGTIME} from
 * `ip_expire()`.
 *
 * @example
 * ```ts
 * import { ICMP_EXC_TTL, type IcmpTimeExceededRepr } from '@netstage/ipv4';
 * const expired: IcmpTimeExceededRepr = {
 *   kind: 'time-exceeded', code: ICMP_EXC_TTL, original: new Uint8Array(28),
 * };
 * ```
 */
export interface IcmpTimeExceededRepr {
  /** {@link ICMP_TIME_EXCEEDED}. */
  kind: 'time-exceeded';
  /** {@link ICMP_EXC_TTL} or {@link ICMP_EXC_FRAGTIME} (0..255). */
  code: number;
  /** The quoted start of the offending datagram, IPv4 header first. */
  original: Uint8Array;
}

/**
 * The meaning of an ICMP message netstage reads or writes, without the bytes: a union
 * discriminated by `kind`.
 *
 * @remarks
 * The messages `net/ipv4/icmp.c` answers (`icmp_echo`), reports to sockets
 * (`icmp_unreach`) and sends (`__icmp_send`); smoltcp's `Icmpv4Repr`. Other types
 * (redirect, timestamp, parameter problem, …) are not represented: {@link parseIcmp}
 * says `'unsupported'` for them, and {@link IcmpPacket} still reads them.
 *
 * @example
 * ```ts
 * import type { IcmpRepr } from '@netstage/ipv4';
 * function describe(repr: IcmpRepr): string {
 *   switch (repr.kind) {
 *     case 'echo-request':
 *     case 'echo-reply':
 *       return `${repr.kind} id ${repr.identifier} seq ${repr.sequence}`;
 *     case 'dest-unreachable':
 *     case 'time-exceeded':
 *       return `${repr.kind} code ${repr.code}`;
 *   }
 * }
 * describe({ kind: 'echo-reply', identifier: 1, sequence: 2, data: new Uint8Array(0) });
 * // 'echo-reply id 1 seq 2'
 * ```
 */
export type IcmpRepr = IcmpEchoRepr | IcmpDestUnreachableRepr | IcmpTimeExceededRepr;

/**
 * Checks untrusted bytes as {@link IcmpPacket.check} does and reads them into a repr,
 * or says why they are not a message it represents. Never throws. `data` and
 * `original` are views of `bytes`, not copies.
 *
 * @remarks
 * `icmp_rcv()` in `net/ipv4/icmp.c`, then the fields its handlers read. An echo with a
 * code other than 0 is `'unsupported'`, because the repr has no code to keep it in (RFC
 * 792 says the code is 0; Linux answers it anyway, keeping the code). A quoted datagram
 * is returned as it is: whether it holds a whole IPv4 header is for the receiver to
 * judge, as `icmp_unreach()` does.
 *
 * @example
 * ```ts
 * import { isIcmpError, parseIcmp } from '@netstage/ipv4';
 * const repr = parseIcmp(new Uint8Array([0x08, 0x00, 0xe5, 0xca, 0x12, 0x34, 0x00, 0x01]));
 * if (!isIcmpError(repr) && repr.kind === 'echo-request') repr.identifier; // 0x1234
 * parseIcmp(new Uint8Array([0x0d, 0x00, 0xf2, 0xff, 0, 0, 0, 0]));
 * // { kind: 'unsupported', type: 13, code: 0 } (type 13 is a timestamp request)
 * ```
 */
export function parseIcmp(bytes: Uint8Array): IcmpRepr | IcmpError {
  const error = validate(bytes);
  if (error !== undefined) return error;
  const type = octet(bytes, field.TYPE);
  const code = octet(bytes, field.CODE);
  const data = bytes.subarray(field.DATA);
  switch (type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
      if (code !== 0) break;
      return {
        kind: type === ICMP_ECHO ? 'echo-request' : 'echo-reply',
        identifier: word(bytes, field.IDENTIFIER),
        sequence: word(bytes, field.SEQUENCE),
        data,
      };
    case ICMP_DEST_UNREACH:
      return code === ICMP_FRAG_NEEDED
        ? { kind: 'dest-unreachable', code, mtu: word(bytes, field.MTU), original: data }
        : { kind: 'dest-unreachable', code, original: data };
    case ICMP_TIME_EXCEEDED:
      return { kind: 'time-exceeded', code, original: data };
  }
  return { kind: 'unsupported', type, code };
}

/** The data an {@link IcmpRepr} carries after its 8-byte header. */
function body(repr: IcmpRepr): Uint8Array {
  switch (repr.kind) {
    case 'echo-request':
    case 'echo-reply':
      return repr.data;
    default:
      return repr.original;
  }
}

/**
 * Octets the message of `repr` takes: the 8-byte header plus its data or quoted
 * datagram.
 *
 * @remarks
 * `sizeof(struct icmphdr) + data_len`, as `icmp_push_reply()` sizes it.
 *
 * @example
 * ```ts
 * import { icmpBufferLength } from '@netstage/ipv4';
 * icmpBufferLength({ kind: 'echo-request', identifier: 1, sequence: 1, data: new Uint8Array(56) }); // 64
 * ```
 */
export function icmpBufferLength(repr: IcmpRepr): number {
  return ICMP_HEADER_LENGTH + body(repr).length;
}

/**
 * Writes the message of `repr` into `bytes` at `offset` — header, data, and the checksum
 * over all of it. Build an outgoing message by emitting into a buffer of exactly
 * {@link icmpBufferLength} bytes (or at that offset of the IPv4 packet's buffer).
 *
 * @remarks
 * What `__icmp_send()` and `icmp_reply()` build in `net/ipv4/icmp.c`: the header
 * (`un.gateway` is the MTU for fragmentation needed and zero for the other errors), the
 * data, and `icmp_push_reply()`'s checksum. `data` or `original` may be a view of the
 * same buffer: it is copied as if first copied out.
 *
 * @throws RangeError if the identifier, sequence or MTU is not a 16-bit integer, the
 * code not an 8-bit one, an MTU is given with a code other than
 * {@link ICMP_FRAG_NEEDED}, the message would not fit in an IPv4 packet, or it does not
 * fit at `offset`. A refused emit leaves `bytes` untouched.
 *
 * @example
 * ```ts
 * import { emitIcmp, icmpBufferLength, type IcmpRepr } from '@netstage/ipv4';
 * const repr: IcmpRepr = { kind: 'echo-request', identifier: 0x1234, sequence: 1, data: new Uint8Array(0) };
 * const bytes = new Uint8Array(icmpBufferLength(repr));
 * emitIcmp(repr, bytes);
 * bytes; // 08 00 e5 ca 12 34 00 01 (hex)
 * ```
 */
export function emitIcmp(repr: IcmpRepr, bytes: Uint8Array, offset = 0): void {
  // Check everything before writing anything: a refused emit leaves `bytes` untouched.
  let type: number;
  let code = 0;
  // The "rest of header": bytes 4-5 and 6-7, zero unless the kind fills them.
  let high = 0;
  let low = 0;
  switch (repr.kind) {
    case 'echo-request':
    case 'echo-reply':
      type = repr.kind === 'echo-request' ? ICMP_ECHO : ICMP_ECHOREPLY;
      assertField('identifier', repr.identifier, 0xffff);
      assertField('sequence', repr.sequence, 0xffff);
      high = repr.identifier;
      low = repr.sequence;
      break;
    case 'dest-unreachable':
      type = ICMP_DEST_UNREACH;
      assertField('code', repr.code, 0xff);
      code = repr.code;
      if (repr.mtu !== undefined) {
        if (code !== ICMP_FRAG_NEEDED) {
          throw new RangeError(`an MTU goes only with code ICMP_FRAG_NEEDED (4), not ${code}`);
        }
        assertField('mtu', repr.mtu, 0xffff);
        low = repr.mtu;
      }
      break;
    case 'time-exceeded':
      type = ICMP_TIME_EXCEEDED;
      assertField('code', repr.code, 0xff);
      code = repr.code;
      break;
    default:
      throw new RangeError(`unknown ICMP repr kind ${String((repr as { kind?: unknown }).kind)}`);
  }
  const data = body(repr);
  const length = ICMP_HEADER_LENGTH + data.length;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new RangeError(`an ICMP message of ${length} bytes does not fit in an IPv4 packet`);
  }
  assertRoom(bytes, offset, length);

  const o = offset;
  bytes.set(data, o + field.DATA);
  bytes[o + field.TYPE] = type;
  bytes[o + field.CODE] = code;
  bytes[o + field.CHECKSUM] = 0;
  bytes[o + field.CHECKSUM + 1] = 0;
  bytes[o + field.IDENTIFIER] = high >>> 8;
  bytes[o + field.IDENTIFIER + 1] = high & 0xff;
  bytes[o + field.SEQUENCE] = low >>> 8;
  bytes[o + field.SEQUENCE + 1] = low & 0xff;
  const checksum = internetChecksum(bytes, o, length);
  bytes[o + field.CHECKSUM] = checksum >>> 8;
  bytes[o + field.CHECKSUM + 1] = checksum & 0xff;
}
