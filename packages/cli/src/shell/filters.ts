/**
 * The text filters of the shell: `wc`, `grep`, `head`, `tail`, `sort`, with coreutils
 * 9.1's and GNU grep 3.8's output, messages and statuses (C locale).
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { isDirectory, readShellFile } from './files.js';
import { getopt, type FoundOption } from './getopt.js';
import { readAll, type Command, type ProcContext, type Wait } from './process.js';
import { RegexError, posixRegexSource } from './regex.js';

/** What reading one operand gave: its text, or the error (and whether it is a directory). */
type Input = { readonly text: string } | { readonly error: NetError; readonly directory: boolean };

/** Read an operand: `-` is standard input, anything else a file of the process's task. */
function* readInput(ctx: ProcContext, name: string): Generator<Wait, Input, undefined> {
  if (name === '-') return { text: yield* readAll(ctx.stdin) };
  try {
    return { text: readShellFile(ctx.kernel, ctx.task, name) };
  } catch (e) {
    if (!(e instanceof NetError)) throw e;
    return { error: e, directory: isDirectory(ctx.kernel, ctx.task, name) };
  }
}

function tryHelp(ctx: ProcContext, message: string, status: number): number {
  const name = ctx.argv[0] ?? '';
  ctx.stderr.write(`${name}: ${message}\nTry '${name} --help' for more information.\n`);
  return status;
}

/** Lines of `text`, each with its newline (the last one may lack it). */
function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * `wc [-clmwL] [FILE...]`.
 *
 * @remarks
 * coreutils `src/wc.c`: counts in the order lines, words, characters, bytes, longest
 * line; each right-aligned to one width — 1 when a single count of a single operand is
 * asked (`wc -l` of standard input prints just the number), otherwise the digits of the
 * total size of the regular files (a `/proc` file's size is 0), at least 7 when an input
 * is not a regular file (a pipe, a directory). A `total` line follows when there are
 * several operands. `wc: X: No such file or directory`; a directory prints `Is a
 * directory` and a line of zeros; status 1.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { runArgv, wcCommand } from '@netstage/cli';
 * const t = new Map([['wc', wcCommand]]);
 * runArgv(t, Kernel.boot(), ['wc'], { stdin: 'a b\nc\n' }).stdout;       // '      2       3       6\n'
 * runArgv(t, Kernel.boot(), ['wc', '-l'], { stdin: 'a b\nc\n' }).stdout; // '2\n'
 * ```
 */
export const wcCommand: Command = function* (ctx) {
  const parsed = getopt(ctx.argv.slice(1), 'clmwL', [
    { name: 'bytes', arg: false, short: 'c' },
    { name: 'chars', arg: false, short: 'm' },
    { name: 'lines', arg: false, short: 'l' },
    { name: 'words', arg: false, short: 'w' },
    { name: 'max-line-length', arg: false, short: 'L' },
  ]);
  if (!parsed.ok) return tryHelp(ctx, parsed.message, 1);
  const has = (c: string): boolean => parsed.options.some((o) => o.opt === c);
  let cols = ['l', 'w', 'm', 'c', 'L'].filter(has);
  if (cols.length === 0) cols = ['l', 'w', 'c'];
  const operands = parsed.operands.length === 0 ? [undefined] : parsed.operands;
  // Width: whether each input is a regular file (procfs files: size 0) or not.
  let width = 1;
  if (!(operands.length === 1 && cols.length === 1)) {
    const first = operands[0];
    const kinds = operands.map((o) => (o === undefined || o === '-' ? 'other' : fileKind(ctx, o)));
    if (first === undefined || kinds[0] !== 'missing') width = kinds.some((k) => k === 'other' || k === 'dir') ? 7 : 1;
  }
  const totals = [0, 0, 0, 0, 0];
  let status = 0;
  const row = (counts: readonly number[], name: string | undefined): string =>
    cols.map((c) => String(counts['lwmcL'.indexOf(c)]).padStart(width)).join(' ') + (name === undefined ? '' : ` ${name}`) + '\n';
  for (const o of operands) {
    const input = yield* readInput(ctx, o ?? '-');
    let counts = [0, 0, 0, 0, 0];
    if ('error' in input) {
      ctx.stderr.write(`wc: ${o}: ${input.error.strerror}\n`);
      status = 1;
      if (!input.directory) continue;
    } else {
      counts = countText(input.text);
    }
    counts.forEach((n, i) => (totals[i] = i === 4 ? Math.max(totals[i] as number, n) : (totals[i] as number) + n));
    ctx.stdout.write(row(counts, o));
  }
  if (operands.length > 1) ctx.stdout.write(row(totals, 'total'));
  return status;
};

function fileKind(ctx: ProcContext, path: string): 'file' | 'dir' | 'missing' | 'other' {
  if (isDirectory(ctx.kernel, ctx.task, path)) return 'dir';
  try {
    readShellFile(ctx.kernel, ctx.task, path);
    return 'file';
  } catch {
    return 'missing';
  }
}

/** Lines, words, characters, bytes, longest line (tabs to 8 columns). */
function countText(text: string): number[] {
  const newlines = text.split('\n').length - 1;
  const words = text.match(/[^ \t\n\r\f\v]+/g)?.length ?? 0;
  const chars = [...text].length;
  const bytes = new TextEncoder().encode(text).length;
  let longest = 0;
  for (const line of text.split('\n')) {
    let col = 0;
    for (const c of line) col = c === '\t' ? col + 8 - (col % 8) : col + 1;
    longest = Math.max(longest, col);
  }
  return [newlines, words, chars, bytes, longest];
}

const GREP_USAGE = "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n";

/**
 * `grep [-EFGcHhilnoqsvwx] [-e PATTERN]... PATTERN [FILE...]`.
 *
 * @remarks
 * GNU grep 3.8 (`src/grep.c`): status 0 when a line is selected, 1 when none, 2 on an
 * error (but 0 with `-q` once a line matched); file names before lines when there are
 * several files (`(standard input)` for `-`); `grep: X: No such file or directory`,
 * `grep: X: Is a directory`; option mistakes print the usage lines with status 2.
 * Patterns are POSIX basic (or `-E` extended) expressions, see {@link posixRegexSource}.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { grepCommand, runArgv } from '@netstage/cli';
 * const t = new Map([['grep', grepCommand]]);
 * runArgv(t, Kernel.boot(), ['grep', '-c', 'b'], { stdin: 'ab\nAb\ncd\n' }).stdout; // '2\n'
 * ```
 */
export const grepCommand: Command = function* (ctx) {
  const parsed = getopt(ctx.argv.slice(1), 'EFGcHhilnoqsvwxe:', [
    { name: 'extended-regexp', arg: false, short: 'E' },
    { name: 'fixed-strings', arg: false, short: 'F' },
    { name: 'basic-regexp', arg: false, short: 'G' },
    { name: 'count', arg: false, short: 'c' },
    { name: 'with-filename', arg: false, short: 'H' },
    { name: 'no-filename', arg: false, short: 'h' },
    { name: 'ignore-case', arg: false, short: 'i' },
    { name: 'files-with-matches', arg: false, short: 'l' },
    { name: 'line-number', arg: false, short: 'n' },
    { name: 'only-matching', arg: false, short: 'o' },
    { name: 'quiet', arg: false, short: 'q' },
    { name: 'silent', arg: false, short: 'q' },
    { name: 'no-messages', arg: false, short: 's' },
    { name: 'invert-match', arg: false, short: 'v' },
    { name: 'word-regexp', arg: false, short: 'w' },
    { name: 'line-regexp', arg: false, short: 'x' },
    { name: 'regexp', arg: true, short: 'e' },
  ]);
  if (!parsed.ok) {
    ctx.stderr.write(`grep: ${parsed.message}\n${GREP_USAGE}`);
    return 2;
  }
  const has = (c: string): boolean => parsed.options.some((o: FoundOption) => o.opt === c);
  let mode: 'E' | 'F' | 'G' = 'G';
  for (const o of parsed.options) if (o.opt === 'E' || o.opt === 'F' || o.opt === 'G') mode = o.opt;
  const operands = [...parsed.operands];
  let patterns = parsed.options.filter((o) => o.opt === 'e').map((o) => o.arg ?? '');
  if (patterns.length === 0) {
    const p = operands.shift();
    if (p === undefined) {
      ctx.stderr.write(GREP_USAGE);
      return 2;
    }
    patterns = [p];
  }
  let regexes: RegExp[];
  try {
    regexes = patterns
      .flatMap((p) => p.split('\n'))
      .map((p) => {
        let src = mode === 'F' ? p.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : posixRegexSource(p, mode === 'E');
        if (has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
        if (has('x')) src = `^(?:${src})$`;
        return new RegExp(src, has('i') ? 'i' : '');
      });
  } catch (e) {
    if (e instanceof RegexError) ctx.stderr.write(`grep: ${e.message}\n`);
    else if (e instanceof SyntaxError) ctx.stderr.write('grep: Invalid regular expression\n');
    else throw e;
    return 2;
  }
  const files = operands.length === 0 ? ['-'] : operands;
  const named = has('H') || (files.length > 1 && !has('h'));
  const quiet = has('q');
  let matched = false;
  let error = false;
  for (const f of files) {
    const input = yield* readInput(ctx, f);
    const label = f === '-' ? '(standard input)' : f;
    if ('error' in input) {
      if (!has('s')) ctx.stderr.write(`grep: ${f}: ${input.error.strerror}\n`);
      error = true;
      continue;
    }
    let count = 0;
    let out = '';
    lines(input.text).forEach((raw, i) => {
      const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
      if (regexes.some((r) => r.test(line)) === has('v')) return;
      count++;
      if (has('c') || has('l')) return;
      const prefix = `${named ? `${label}:` : ''}${has('n') ? `${i + 1}:` : ''}`;
      if (!has('o') || has('v')) {
        if (!has('o')) out += `${prefix}${line}\n`;
        return;
      }
      for (const r of regexes) {
        for (const m of line.matchAll(new RegExp(r.source, `${r.flags}g`))) if (m[0] !== '') out += `${prefix}${m[0]}\n`;
      }
    });
    if (count > 0) matched = true;
    if (quiet) {
      if (matched) return 0;
      continue;
    }
    if (has('l')) {
      if (count > 0) ctx.stdout.write(`${label}\n`);
    } else if (has('c')) ctx.stdout.write(`${named ? `${label}:` : ''}${count}\n`);
    else ctx.stdout.write(out);
  }
  if (error) return 2;
  return matched ? 0 : 1;
};

/** A count of lines or bytes: coreutils' `xdectoumax` with multiplier suffixes. */
function parseCount(text: string): number | undefined {
  const m = /^([0-9]+)(b|kB|KB|k|K|KiB|MB|M|m|MiB|GB|G|g|GiB)?$/.exec(text);
  if (m === null) return undefined;
  const mult: Record<string, number> = { b: 512, kB: 1000, KB: 1000, k: 1024, K: 1024, KiB: 1024, MB: 1e6, M: 1 << 20, m: 1 << 20, MiB: 1 << 20, GB: 1e9, G: 1 << 30, g: 1 << 30, GiB: 1 << 30 };
  return Number(m[1]) * (m[2] === undefined ? 1 : (mult[m[2]] as number));
}

/** `-5` or `+5` as the first argument: the obsolete form of `-n 5`. */
function obsoleteCount(args: readonly string[], plus: boolean): string[] {
  const first = args[0];
  if (first !== undefined && (/^-[0-9]+[bkm]?$/.test(first) || (plus && /^\+[0-9]+[bkm]?$/.test(first)))) {
    return ['-n', first.startsWith('+') ? first : first.slice(1), ...args.slice(1)];
  }
  return [...args];
}

/** What `head`/`tail` take: `n` lines or bytes, from the end (`head -n -N`) or start (`tail -n +N`). */
interface Amount {
  readonly bytes: boolean;
  readonly count: number;
  readonly flipped: boolean;
}

function parseAmount(ctx: ProcContext, options: readonly FoundOption[], tail: boolean): Amount | number {
  let amount: Amount = { bytes: false, count: 10, flipped: false };
  for (const o of options) {
    if (o.opt !== 'n' && o.opt !== 'c') continue;
    const text = o.arg ?? '';
    const sign = text[0] === '+' || text[0] === '-' ? text[0] : '';
    const n = parseCount(text.slice(sign.length));
    const what = o.opt === 'c' ? 'bytes' : 'lines';
    if (n === undefined) {
      const shown = tail ? (sign === '-' ? text.slice(1) : text) : sign === '-' ? text.slice(1) : text;
      ctx.stderr.write(`${ctx.argv[0] ?? ''}: invalid number of ${what}: '${shown}'\n`);
      return 1;
    }
    amount = { bytes: o.opt === 'c', count: n, flipped: tail ? sign === '+' : sign === '-' };
  }
  return amount;
}

/** The shared body of `head` and `tail`. */
function* headOrTail(ctx: ProcContext, tail: boolean): Generator<Wait, number, undefined> {
  const name = tail ? 'tail' : 'head';
  const parsed = getopt(obsoleteCount(ctx.argv.slice(1), tail), 'c:n:qv', [
    { name: 'bytes', arg: true, short: 'c' },
    { name: 'lines', arg: true, short: 'n' },
    { name: 'quiet', arg: false, short: 'q' },
    { name: 'silent', arg: false, short: 'q' },
    { name: 'verbose', arg: false, short: 'v' },
  ]);
  if (!parsed.ok) return tryHelp(ctx, parsed.message, 1);
  const amount = parseAmount(ctx, parsed.options, tail);
  if (typeof amount === 'number') return amount;
  const files = parsed.operands.length === 0 ? ['-'] : parsed.operands;
  let headers = files.length > 1;
  for (const o of parsed.options) if (o.opt === 'q' || o.opt === 'v') headers = o.opt === 'v';
  let status = 0;
  let first = true;
  for (const f of files) {
    const label = f === '-' ? 'standard input' : f;
    const input = yield* readInput(ctx, f);
    if ('error' in input && !input.directory) {
      ctx.stderr.write(`${name}: cannot open '${f}' for reading: ${input.error.strerror}\n`);
      status = 1;
      continue;
    }
    if (headers) ctx.stdout.write(`${first ? '' : '\n'}==> ${label} <==\n`);
    first = false;
    if ('error' in input) {
      ctx.stderr.write(`${name}: error reading '${f}': ${input.error.strerror}\n`);
      status = 1;
      continue;
    }
    ctx.stdout.write(slice(input.text, amount, tail));
  }
  return status;
}

function slice(text: string, a: Amount, tail: boolean): string {
  const units = a.bytes ? [...text] : lines(text);
  let kept: string[];
  if (!tail) kept = a.flipped ? units.slice(0, Math.max(0, units.length - a.count)) : units.slice(0, a.count);
  else if (a.flipped) kept = units.slice(Math.max(0, a.count - 1));
  else kept = a.count === 0 ? [] : units.slice(-a.count);
  return kept.join('');
}

/**
 * `head [-n [-]N | -N] [-c [-]N] [-qv] [FILE...]`.
 *
 * @remarks
 * coreutils `src/head.c`: `-n -N` prints all but the last N lines; headers `==> F <==`
 * for several files; `head: invalid number of lines: 'x'`, `head: cannot open 'X' for
 * reading: No such file or directory`, `head: error reading 'X': Is a directory`,
 * status 1.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { headCommand, runArgv } from '@netstage/cli';
 * runArgv(new Map([['head', headCommand]]), Kernel.boot(), ['head', '-2'], { stdin: '1\n2\n3\n' }).stdout; // '1\n2\n'
 * ```
 */
export const headCommand: Command = (ctx) => headOrTail(ctx, false);

/**
 * `tail [-n [+]N | -N | +N] [-c [+]N] [-qv] [FILE...]`.
 *
 * @remarks
 * coreutils `src/tail.c` (no `-f`): `-n +N` starts at line N; messages as `head`'s.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { runArgv, tailCommand } from '@netstage/cli';
 * runArgv(new Map([['tail', tailCommand]]), Kernel.boot(), ['tail', '-n', '+2'], { stdin: '1\n2\n3\n' }).stdout; // '2\n3\n'
 * ```
 */
export const tailCommand: Command = (ctx) => headOrTail(ctx, true);

/** The numeric value `sort -n` sees at the start of a line (0 when there is none). */
function numericKey(line: string): number {
  const m = /^[ \t]*(-?[0-9]*(?:\.[0-9]*)?)/.exec(line);
  const n = Number.parseFloat(m?.[1] ?? '');
  return Number.isNaN(n) ? 0 : n;
}

/**
 * `sort [-nru] [FILE...]`.
 *
 * @remarks
 * coreutils `src/sort.c` in the C locale: bytewise order; `-n` compares the leading
 * number (blanks skipped, none counts as 0) and breaks ties bytewise; `-r` reverses
 * both; `-u` keeps the first of each run of equal keys. `sort: cannot read: X: No such
 * file or directory`, `sort: read failed: X: Is a directory`, status 2.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { runArgv, sortCommand } from '@netstage/cli';
 * runArgv(new Map([['sort', sortCommand]]), Kernel.boot(), ['sort', '-n'], { stdin: '10\n9\n2\n' }).stdout; // '2\n9\n10\n'
 * ```
 */
export const sortCommand: Command = function* (ctx) {
  const parsed = getopt(ctx.argv.slice(1), 'nru', [
    { name: 'numeric-sort', arg: false, short: 'n' },
    { name: 'reverse', arg: false, short: 'r' },
    { name: 'unique', arg: false, short: 'u' },
  ]);
  if (!parsed.ok) return tryHelp(ctx, parsed.message, 2);
  const has = (c: string): boolean => parsed.options.some((o) => o.opt === c);
  const all: string[] = [];
  for (const f of parsed.operands.length === 0 ? ['-'] : parsed.operands) {
    const input = yield* readInput(ctx, f);
    if ('error' in input) {
      ctx.stderr.write(input.directory ? `sort: read failed: ${f}: ${input.error.strerror}\n` : `sort: cannot read: ${f}: ${input.error.strerror}\n`);
      return 2;
    }
    all.push(...lines(input.text).map((l) => (l.endsWith('\n') ? l.slice(0, -1) : l)));
  }
  const numeric = has('n');
  const key = (a: string, b: string): number => (numeric ? Math.sign(numericKey(a) - numericKey(b)) : a < b ? -1 : a > b ? 1 : 0);
  const sign = has('r') ? -1 : 1;
  const unique = has('u');
  const compare = (a: string, b: string): number => {
    const k = key(a, b);
    if (k !== 0 || unique || !numeric) return sign * k;
    return sign * (a < b ? -1 : a > b ? 1 : 0);
  };
  const sorted = all.sort(compare);
  const out = unique ? sorted.filter((l, i) => i === 0 || key(sorted[i - 1] as string, l) !== 0) : sorted;
  ctx.stdout.write(out.map((l) => `${l}\n`).join(''));
  return 0;
};
