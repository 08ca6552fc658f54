/**
 * The one errno table and the one error type.
 *
 * Numbers are the x86-64 values from `include/uapi/asm-generic/errno-base.h` and
 * `errno.h`; messages are glibc's `strerror()` text, which is what `ip`, `ping` and
 * Node print after the colon.
 *
 * @module
 */

/**
 * Every errno netstage uses: name → [x86-64 number, glibc strerror text].
 *
 * @example
 * ```ts
 * import { errnoTable } from '@netstage/core-net';
 * errnoTable.ECONNREFUSED; // [111, 'Connection refused']
 * ```
 */
export const errnoTable = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  ESRCH: [3, 'No such process'],
  EINTR: [4, 'Interrupted system call'],
  EIO: [5, 'Input/output error'],
  ENXIO: [6, 'No such device or address'],
  EBADF: [9, 'Bad file descriptor'],
  EAGAIN: [11, 'Resource temporarily unavailable'],
  ENOMEM: [12, 'Cannot allocate memory'],
  EACCES: [13, 'Permission denied'],
  EFAULT: [14, 'Bad address'],
  EBUSY: [16, 'Device or resource busy'],
  EEXIST: [17, 'File exists'],
  ENODEV: [19, 'No such device'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  EINVAL: [22, 'Invalid argument'],
  ENFILE: [23, 'Too many open files in system'],
  EMFILE: [24, 'Too many open files'],
  ENOSPC: [28, 'No space left on device'],
  EROFS: [30, 'Read-only file system'],
  EPIPE: [32, 'Broken pipe'],
  ERANGE: [34, 'Numerical result out of range'],
  ENAMETOOLONG: [36, 'File name too long'],
  ENOSYS: [38, 'Function not implemented'],
  ENOTEMPTY: [39, 'Directory not empty'],
  ENODATA: [61, 'No data available'],
  ENOBUFS: [105, 'No buffer space available'],
  ENOTSOCK: [88, 'Socket operation on non-socket'],
  EDESTADDRREQ: [89, 'Destination address required'],
  EMSGSIZE: [90, 'Message too long'],
  EPROTOTYPE: [91, 'Protocol wrong type for socket'],
  ENOPROTOOPT: [92, 'Protocol not available'],
  EPROTONOSUPPORT: [93, 'Protocol not supported'],
  ESOCKTNOSUPPORT: [94, 'Socket type not supported'],
  EOPNOTSUPP: [95, 'Operation not supported'],
  EPFNOSUPPORT: [96, 'Protocol family not supported'],
  EAFNOSUPPORT: [97, 'Address family not supported by protocol'],
  EADDRINUSE: [98, 'Address already in use'],
  EADDRNOTAVAIL: [99, 'Cannot assign requested address'],
  ENETDOWN: [100, 'Network is down'],
  ENETUNREACH: [101, 'Network is unreachable'],
  ENETRESET: [102, 'Network dropped connection on reset'],
  ECONNABORTED: [103, 'Software caused connection abort'],
  ECONNRESET: [104, 'Connection reset by peer'],
  EISCONN: [106, 'Transport endpoint is already connected'],
  ENOTCONN: [107, 'Transport endpoint is not connected'],
  ESHUTDOWN: [108, 'Cannot send after transport endpoint shutdown'],
  ETIMEDOUT: [110, 'Connection timed out'],
  ECONNREFUSED: [111, 'Connection refused'],
  EHOSTDOWN: [112, 'Host is down'],
  EHOSTUNREACH: [113, 'No route to host'],
  EALREADY: [114, 'Operation already in progress'],
  EINPROGRESS: [115, 'Operation now in progress'],
} as const satisfies Record<string, readonly [number, string]>;

/**
 * An errno name known to netstage, such as `'EADDRINUSE'`.
 *
 * @example
 * ```ts
 * import type { ErrnoCode } from '@netstage/core-net';
 * const code: ErrnoCode = 'ENETUNREACH';
 * ```
 */
export type ErrnoCode = keyof typeof errnoTable;

/**
 * The errno number of a code on x86-64 Linux.
 *
 * @example
 * ```ts
 * import { errnoNumber } from '@netstage/core-net';
 * errnoNumber('EADDRINUSE'); // 98
 * ```
 */
export function errnoNumber(code: ErrnoCode): number {
  return errnoTable[code][0];
}

/**
 * The message glibc's `strerror()` gives for a code.
 *
 * @example
 * ```ts
 * import { strerror } from '@netstage/core-net';
 * strerror('EEXIST'); // 'File exists'
 * ```
 */
export function strerror(code: ErrnoCode): string {
  return errnoTable[code][1];
}

/**
 * Whether a string names an errno in the table.
 *
 * @example
 * ```ts
 * import { isErrnoCode } from '@netstage/core-net';
 * isErrnoCode('EINVAL'); // true
 * isErrnoCode('EWHATEVER'); // false
 * ```
 */
export function isErrnoCode(name: string): name is ErrnoCode {
  return Object.prototype.hasOwnProperty.call(errnoTable, name);
}

/** Optional context carried by a {@link NetError}. */
export interface NetErrorDetails {
  /**
   * What a user-space tool prints for this failure, when it is not just the strerror
   * text: iproute2's `Cannot find device "eth9"`, or the kernel's extended ack
   * `Error: ipv4: Address already assigned.`
   */
  readonly detail?: string;
  /** The system call (or kernel function) that failed, as Node names it: `bind`, `unshare`. */
  readonly syscall?: string;
  /**
   * The kernel's extended ack, verbatim as the kernel writes it (`NL_SET_ERR_MSG`), e.g.
   * `The interface netns is immutable`. iproute2 prints it as `Error: <extack>.`
   */
  readonly extack?: string;
}

/**
 * The one error type of netstage: an errno code, its number, the Linux message, and
 * optionally what the user-space tool prints.
 *
 * `message` is the tool's text when there is one; else, for a netlink error with an
 * extended ack, what iproute2 prints for it (`Error: <extack>.`); else the strerror text.
 *
 * @remarks
 * Every refusal of a process call or socket call is a `NetError`. The receive path
 * never throws one: it counts and drops.
 *
 * @example
 * ```ts
 * import { NetError } from '@netstage/core-net';
 * const e = new NetError('EEXIST', { detail: 'Cannot create namespace file "/run/netns/a": File exists' });
 * e.code;     // 'EEXIST'
 * e.errno;    // 17
 * e.strerror; // 'File exists'
 * e.message;  // 'Cannot create namespace file "/run/netns/a": File exists'
 * ```
 */
export class NetError extends Error {
  /** The errno name, as Node's `err.code`. */
  readonly code: ErrnoCode;
  /** The errno number (positive, as Node's `-err.errno`). */
  readonly errno: number;
  /** The strerror text. */
  readonly strerror: string;
  /** What a user-space tool prints, when it differs from the strerror text. */
  readonly detail: string | undefined;
  /** The failing call, when known. */
  readonly syscall: string | undefined;
  /** The kernel's extended ack, when the failure carries one. */
  readonly extack: string | undefined;

  constructor(code: ErrnoCode, details: NetErrorDetails = {}) {
    const text = strerror(code);
    super(details.detail ?? (details.extack === undefined ? text : `Error: ${withPeriod(details.extack)}`));
    this.extack = details.extack;
    this.name = 'NetError';
    this.code = code;
    this.errno = errnoNumber(code);
    this.strerror = text;
    this.detail = details.detail;
    this.syscall = details.syscall;
  }
}

/** iproute2 ends an extended ack with a period unless it has one (`lib/libnetlink.c`). */
function withPeriod(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

/**
 * Whether a value is a {@link NetError}, optionally of a given code.
 *
 * @example
 * ```ts
 * import { NetError, isNetError } from '@netstage/core-net';
 * isNetError(new NetError('ENOENT'), 'ENOENT'); // true
 * ```
 */
export function isNetError(value: unknown, code?: ErrnoCode): value is NetError {
  return value instanceof NetError && (code === undefined || value.code === code);
}
