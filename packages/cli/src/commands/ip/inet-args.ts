/**
 * What `ip addr`, `ip route` and `ip neigh` share: reading their words (prefixes,
 * addresses, scopes, keyword abbreviations) and turning failures into iproute2's
 * messages and exit statuses.
 *
 * @module
 */

import { NetError, strerror } from '@netstage/core-net';
import { parseIpv4 } from '@netstage/ipv4';

/**
 * A failure of an `ip` object command, carrying what iproute2 prints (the text,
 * newlines included) and the exit status it ends with.
 *
 * @remarks
 * iproute2 6.1 exits 255 from `usage()`, `invarg()`, `duparg2()` and `NEXT_ARG()`
 * (`exit(-1)`); 1 from parse errors reported by `get_prefix()` / `get_addr()` and failed
 * name lookups; 2 when the kernel refused the request (`rtnl_talk` failing).
 *
 * @example
 * ```ts
 * import { IpExit } from '@netstage/cli';
 * const e = new IpExit('Flush requires arguments.\n', 1);
 * [e.text, e.status]; // ['Flush requires arguments.\n', 1]
 * ```
 */
export class IpExit extends Error {
  constructor(
    /** What goes to standard error. */
    readonly text: string,
    /** The exit status. */
    readonly status: number,
  ) {
    super(text.trimEnd());
    this.name = 'IpExit';
  }
}

/**
 * The words of an `ip OBJECT COMMAND`, read one at a time as iproute2's `NEXT_ARG()`
 * does: asking for a value that is not there ends with `Command line is not complete.`
 *
 * @example
 * ```ts
 * import { IpArgs } from '@netstage/cli';
 * const args = new IpArgs(['dev', 'veth0']);
 * args.take(); // 'dev'
 * args.value(); // 'veth0'
 * args.done; // true
 * ```
 */
export class IpArgs {
  #i = 0;
  constructor(readonly words: readonly string[]) {}

  /** Whether every word was read. */
  get done(): boolean {
    return this.#i >= this.words.length;
  }

  /** The next word (the caller checked `done`). */
  take(): string {
    return this.words[this.#i++] ?? '';
  }

  /**
   * The value after a keyword.
   *
   * @throws IpExit `Command line is not complete. Try option "help"`, status 255.
   */
  value(): string {
    if (this.done) throw new IpExit('Command line is not complete. Try option "help"\n', 255);
    return this.take();
  }
}

/** An IPv4 prefix as typed: the address, its length, and whether `/LEN` was given. */
export interface TypedPrefix {
  /** The address (host bits as typed). */
  readonly addr: number;
  /** Prefix length (32 when not given). */
  readonly len: number;
  /** Whether `/LEN` was written. */
  readonly hasLen: boolean;
}

/**
 * Read `A.B.C.D[/LEN]` (and, where `defaults` allows, `default`, `all`, `any` as
 * 0.0.0.0/0).
 *
 * @remarks
 * iproute2 `lib/utils.c` `get_prefix()`: on failure `ip` prints `Error: any valid prefix
 * is expected rather than "…".` and exits 1 (transcript 4.C).
 *
 * @throws IpExit for anything else.
 * @example
 * ```ts
 * import { parseInetPrefix } from '@netstage/cli';
 * parseInetPrefix('10.200.0.1/24'); // { addr: 0x0ac80001, len: 24, hasLen: true }
 * ```
 */
export function parseInetPrefix(text: string, defaults = false): TypedPrefix {
  if (defaults && (text === 'default' || text === 'all' || text === 'any')) return { addr: 0, len: 0, hasLen: true };
  const slash = text.indexOf('/');
  const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  const lenText = slash < 0 ? undefined : text.slice(slash + 1);
  const len = lenText === undefined ? 32 : /^\d{1,2}$/.test(lenText) ? Number(lenText) : NaN;
  if (addr === undefined || !(len >= 0 && len <= 32)) {
    throw new IpExit(`Error: any valid prefix is expected rather than "${text}".\n`, 1);
  }
  return { addr, len, hasLen: lenText !== undefined };
}

/**
 * Read a plain IPv4 address (`brd`, `src`, `via`).
 *
 * @remarks
 * iproute2 `get_addr()`: `Error: inet address is expected rather than "…".`, status 1.
 *
 * @throws IpExit for anything but a dotted quad.
 * @example
 * ```ts
 * import { parseInetAddress } from '@netstage/cli';
 * parseInetAddress('10.200.0.2'); // 0x0ac80002
 * ```
 */
export function parseInetAddress(text: string, what = 'inet address'): number {
  const addr = parseIpv4(text);
  if (addr === undefined) throw new IpExit(`Error: ${what} is expected rather than "${text}".\n`, 1);
  return addr;
}

/** Scope names of `/etc/iproute2/rt_scopes`. */
const SCOPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'global'],
  [200, 'site'],
  [253, 'link'],
  [254, 'host'],
  [255, 'nowhere'],
]);

/**
 * A scope as `ip` prints it: its `rt_scopes` name, or the number.
 *
 * @example
 * ```ts
 * import { scopeName } from '@netstage/cli';
 * [scopeName(253), scopeName(7)]; // ['link', '7']
 * ```
 */
export function scopeName(scope: number): string {
  return SCOPE_NAMES.get(scope) ?? String(scope);
}

/**
 * A scope from its name or number (`rtnl_rtscope_a2n`), or undefined.
 *
 * @example
 * ```ts
 * import { parseScope } from '@netstage/cli';
 * [parseScope('host'), parseScope('7'), parseScope('bogus')]; // [254, 7, undefined]
 * ```
 */
export function parseScope(text: string): number | undefined {
  for (const [n, name] of SCOPE_NAMES) if (name === text) return n;
  return parseSmallNumber(text, 255);
}

/**
 * A decimal (or `0x` hex) number up to `max`, as iproute2's `get_u32`/`get_u8` read it,
 * or undefined.
 *
 * @example
 * ```ts
 * import { parseSmallNumber } from '@netstage/cli';
 * [parseSmallNumber('0x10', 255), parseSmallNumber('300', 255)]; // [16, undefined]
 * ```
 */
export function parseSmallNumber(text: string, max: number): number | undefined {
  const n = /^\d+$/.test(text) ? Number(text) : /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= max ? n : undefined;
}

/**
 * What `ip` prints when the kernel refuses a request, and its status: a tool message
 * (`Cannot find device "x"`) with 1; an extended ack as `Error: ….` with 2; else
 * `RTNETLINK answers: <strerror>` with 2.
 *
 * @remarks
 * iproute2 `lib/libnetlink.c` `rtnl_talk` error path and `lib/utils.c` `nodev()`.
 *
 * @example
 * ```ts
 * import { NetError } from '@netstage/core-net';
 * import { rtnlFailure } from '@netstage/cli';
 * rtnlFailure(new NetError('EEXIST')).text; // 'RTNETLINK answers: File exists\n'
 * ```
 */
export function rtnlFailure(err: NetError): IpExit {
  if (err.detail !== undefined) return new IpExit(`${err.detail}\n`, 1);
  if (err.extack !== undefined) return new IpExit(`${err.message}\n`, 2);
  return new IpExit(`RTNETLINK answers: ${strerror(err.code)}\n`, 2);
}

/**
 * Run an object command's body: what it returns is the status; an {@link IpExit} or a
 * {@link NetError} is printed as iproute2 prints it. Anything else is a bug and is
 * rethrown.
 *
 * @example
 * ```ts
 * import { IpExit, Pipe, runIpBody } from '@netstage/cli';
 * const err = new Pipe();
 * runIpBody(err, () => {
 *   throw new IpExit('Flush requires arguments.\n', 1);
 * }); // 1
 * err.take(); // 'Flush requires arguments.\n'
 * ```
 */
export function runIpBody(stderr: { write(text: string): void }, body: () => number): number {
  try {
    return body();
  } catch (err) {
    const exit = err instanceof IpExit ? err : err instanceof NetError ? rtnlFailure(err) : undefined;
    if (exit === undefined) throw err;
    stderr.write(exit.text);
    return exit.status;
  }
}
