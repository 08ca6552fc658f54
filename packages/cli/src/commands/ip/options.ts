/**
 * What every `ip OBJECT` command gets from `ip`'s global options.
 *
 * @module
 */

import type { Proc, ProcContext } from '../../shell/process.js';

/**
 * `ip`'s global options as the object commands read them (iproute2 `ip/ip.c`).
 */
export interface IpOptions {
  /** `-o`, `-oneline`: one line per record, `\` for the line breaks. */
  readonly oneline: boolean;
  /** `-br`, `-brief`: the tabular short form. */
  readonly brief: boolean;
  /** `-s`, `-stats`, `-statistics`: how many times given (more detail each time). */
  readonly stats: number;
  /** `-d`, `-details`. */
  readonly details: boolean;
  /** `-4` (`inet`) or `-0` (`link`), when given. */
  readonly family: 'inet' | 'link' | undefined;
}

/**
 * An `ip` object command (`link`, `addr`, `route`, `neigh`, `netns`): `args` are the
 * words after the object name; `ctx.task` is already in the namespace `-n` chose.
 */
export type IpObjectCommand = (ctx: ProcContext, args: readonly string[], opts: IpOptions) => Proc;

/**
 * iproute2's `matches()`: `word` is a non-empty prefix of `full`.
 *
 * @example
 * ```ts
 * import { ipMatches } from '@netstage/cli';
 * ipMatches('sh', 'show'); // true
 * ipMatches('shows', 'show'); // false
 * ```
 */
export function ipMatches(word: string, full: string): boolean {
  return word.length > 0 && word.length <= full.length && full.startsWith(word);
}
