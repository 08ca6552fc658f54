/**
 * The shell's own commands (`echo`, `true`, `false`), the tools that read the virtual
 * files (`cat`, `ls`, `sysctl`), `sleep` in virtual time, and the text filters from
 * `filters.ts`. Each prints what bash or coreutils 9.1 print, in the C locale (plain
 * `'` quotes in messages).
 *
 * @module
 */

import { procFs, sysctl } from '@netstage/procfs';
import { fileError, isDirectory, readShellFile } from './files.js';
import { grepCommand, headCommand, sortCommand, tailCommand, wcCommand } from './filters.js';
import { getopt } from './getopt.js';
import { finished, readAll, sleep, type Command, type ProcContext } from './process.js';

/** Print `NAME: MESSAGE` and coreutils' "Try" line; return `status`. */
export function usageError(ctx: ProcContext, message: string, status: number): number {
  const name = ctx.argv[0] ?? '';
  ctx.stderr.write(`${name}: ${message}\nTry '${name} --help' for more information.\n`);
  return status;
}

const ESCAPES: Readonly<Record<string, string>> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * `echo [-neE] [ARG...]`, bash's builtin.
 *
 * @remarks
 * bash `builtins/echo.def`: options are taken only while an argument is made of `n`, `e`
 * and `E` letters after a `-`; anything else (`-x`, `--`) is printed. `-e` interprets
 * `\n`, `\t`, `\\`, `\0NNN`, `\xHH`, and `\c` (stop printing).
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { echoCommand, runArgv } from '@netstage/cli';
 * runArgv(new Map([['echo', echoCommand]]), Kernel.boot(), ['echo', '-n', 'a', 'b']).stdout; // 'a b'
 * ```
 */
export const echoCommand: Command = (ctx) => {
  const args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0] as string)) {
    for (const c of (args.shift() as string).slice(1)) {
      if (c === 'n') newline = false;
      else escapes = c === 'e';
    }
  }
  let text = args.join(' ');
  if (escapes) {
    const [expanded, stop] = expandEscapes(text);
    text = expanded;
    if (stop) newline = false;
  }
  ctx.stdout.write(newline ? `${text}\n` : text);
  return finished(0);
};

/** `echo -e` escapes; whether `\c` stopped the output. */
function expandEscapes(text: string): [string, boolean] {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[i + 1] as string;
    if (n === 'c') return [out, true];
    const simple = ESCAPES[n];
    if (simple !== undefined) {
      out += simple;
      i++;
    } else if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(text.slice(i + 2))?.[0] ?? '';
      out += String.fromCharCode(m === '' ? 0 : parseInt(m, 8));
      i += 1 + m.length;
    } else if (n === 'x' && /^[0-9A-Fa-f]/.test(text.slice(i + 2))) {
      const m = /^[0-9A-Fa-f]{1,2}/.exec(text.slice(i + 2))?.[0] ?? '';
      out += String.fromCharCode(parseInt(m, 16));
      i += 1 + m.length;
    } else {
      out += c;
    }
  }
  return [out, false];
}

/**
 * `true`: status 0.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { runArgv, trueCommand } from '@netstage/cli';
 * runArgv(new Map([['true', trueCommand]]), Kernel.boot(), ['true']).status; // 0
 * ```
 */
export const trueCommand: Command = () => finished(0);

/**
 * `false`: status 1.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { falseCommand, runArgv } from '@netstage/cli';
 * runArgv(new Map([['false', falseCommand]]), Kernel.boot(), ['false']).status; // 1
 * ```
 */
export const falseCommand: Command = () => finished(1);

/**
 * `sleep NUMBER[smhd]...` in virtual time: the sum of the intervals, fractions allowed.
 *
 * @remarks
 * coreutils `src/sleep.c`: `sleep: missing operand`, `sleep: invalid time interval
 * 'x'`, then the "Try" line, status 1. The clock counts milliseconds, so an interval is
 * rounded to the nearest one.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { runArgv, sleepCommand } from '@netstage/cli';
 * const kernel = Kernel.boot();
 * runArgv(new Map([['sleep', sleepCommand]]), kernel, ['sleep', '1.5']).status; // 0
 * kernel.clock.now; // 1500
 * ```
 */
export const sleepCommand: Command = function* (ctx) {
  const parsed = getopt(ctx.argv.slice(1), '', []);
  if (!parsed.ok) return usageError(ctx, parsed.message, 1);
  if (parsed.operands.length === 0) return usageError(ctx, 'missing operand', 1);
  let seconds = 0;
  let bad = false;
  for (const a of parsed.operands) {
    const m = /^\s*\+?((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)([smhd]?)$/.exec(a);
    if (m === null) {
      ctx.stderr.write(`sleep: invalid time interval '${a}'\n`);
      bad = true;
      continue;
    }
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    seconds += Number(m[1]) * unit;
  }
  if (bad) {
    ctx.stderr.write("Try 'sleep --help' for more information.\n");
    return 1;
  }
  yield* sleep(ctx, Math.round(seconds * 1000));
  return 0;
};

/**
 * `cat [-nu] [FILE...]`: files of the virtual `/proc` as the process's task sees them
 * (so under `ip netns exec a` they show `a`), `-` and no operand for standard input.
 *
 * @remarks
 * coreutils `src/cat.c`: `cat: FILE: No such file or directory`, `cat: FILE: Is a
 * directory`, status 1 after printing the others; `-n` numbers lines as `%6d\t`.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { catCommand, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(new Map([['cat', catCommand]]), kernel, ['cat', '/proc/sys/net/ipv4/ip_forward']).stdout; // '0\n'
 * ```
 */
export const catCommand: Command = function* (ctx) {
  const parsed = getopt(ctx.argv.slice(1), 'nu', [{ name: 'number', arg: false, short: 'n' }]);
  if (!parsed.ok) return usageError(ctx, parsed.message, 1);
  const number = parsed.options.some((o) => o.opt === 'n');
  const files = parsed.operands.length === 0 ? ['-'] : parsed.operands;
  let status = 0;
  let lineNo = 0;
  for (const f of files) {
    let text: string;
    if (f === '-') text = yield* readAll(ctx.stdin);
    else {
      try {
        text = readShellFile(ctx.kernel, ctx.task, f);
      } catch (e) {
        ctx.stderr.write(`cat: ${f}: ${fileError(e)}\n`);
        status = 1;
        continue;
      }
    }
    if (number) {
      const lines = text.split('\n');
      const tail = lines.pop() as string;
      text = lines.map((l) => `${String(++lineNo).padStart(6)}\t${l}\n`).join('') + (tail === '' ? '' : `${String(++lineNo).padStart(6)}\t${tail}`);
    }
    ctx.stdout.write(text);
  }
  return status;
};

/**
 * `ls [-1aA] [PATH...]` over the virtual file system (`/` holds only `proc`).
 *
 * @remarks
 * coreutils `src/ls.c` with standard output not a terminal (netstage's never is): one
 * name per line, sorted bytewise (C locale); file operands first, then each directory,
 * under a `PATH:` heading when there is more than one operand, blank lines between.
 * `ls: cannot access 'X': No such file or directory`, status 2.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { lsCommand, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(new Map([['ls', lsCommand]]), kernel, ['ls', '/proc/sys/net/ipv4/conf']).stdout; // 'all\ndefault\nlo\n'
 * ```
 */
export const lsCommand: Command = (ctx) => {
  const parsed = getopt(ctx.argv.slice(1), '1aA', [
    { name: 'all', arg: false, short: 'a' },
    { name: 'almost-all', arg: false, short: 'A' },
  ]);
  if (!parsed.ok) return finished(usageError(ctx, parsed.message, 2));
  const all = parsed.options.some((o) => o.opt === 'a');
  const operands = parsed.operands.length === 0 ? ['.'] : parsed.operands;
  const fs = procFs(ctx.kernel);
  let status = 0;
  const files: string[] = [];
  const dirs: { path: string; names: string[] }[] = [];
  for (const p of operands) {
    const abs = p === '.' ? '/' : p.startsWith('/') ? p : `/${p}`;
    try {
      if (isDirectory(ctx.kernel, ctx.task, abs)) {
        const names = fs.readdir(ctx.task, abs);
        dirs.push({ path: p, names: all ? ['.', '..', ...names] : names });
      } else {
        fs.stat(ctx.task, abs);
        files.push(p);
      }
    } catch (e) {
      ctx.stderr.write(`ls: cannot access '${p}': ${fileError(e)}\n`);
      status = 2;
    }
  }
  const sections: string[] = [];
  if (files.length > 0) sections.push(files.sort(byteOrder).map((f) => `${f}\n`).join(''));
  const heading = operands.length > 1;
  for (const d of dirs.sort((a, b) => byteOrder(a.path, b.path))) {
    const body = d.names.sort(byteOrder).map((n) => `${n}\n`).join('');
    sections.push(heading ? `${d.path}:\n${body}` : body);
  }
  ctx.stdout.write(sections.join('\n'));
  return finished(status);
};

/**
 * `sysctl [OPTION...] [KEY[=VALUE]...]`: procps' tool over the process's namespace.
 *
 * @remarks
 * A thin command over {@link @netstage/procfs!sysctl}, which holds procps-ng 4.0.2's
 * behaviour.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageLayers, runArgv, sysctlCommand } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(new Map([['sysctl', sysctlCommand]]), kernel, ['sysctl', 'net.ipv4.ip_forward']).stdout; // 'net.ipv4.ip_forward = 0\n'
 * ```
 */
export const sysctlCommand: Command = (ctx) => {
  const r = sysctl(ctx.kernel, ctx.task, ctx.argv.slice(1));
  ctx.stdout.write(r.stdout);
  ctx.stderr.write(r.stderr);
  return finished(r.status);
};

/** Strings in C-locale order (`strcmp`). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builtins and filters by name: `echo`, `true`, `false`, `sleep`, `cat`, `ls`,
 * `sysctl`, `wc`, `grep`, `head`, `tail`, `sort`. (`exit`, `wait` and `export` act on
 * the shell and live in {@link ShellSession}.)
 *
 * @example
 * ```ts
 * import { coreCommands } from '@netstage/cli';
 * Object.keys(coreCommands).includes('grep'); // true
 * ```
 */
export const coreCommands: Readonly<Record<string, Command>> = {
  echo: echoCommand,
  true: trueCommand,
  false: falseCommand,
  sleep: sleepCommand,
  cat: catCommand,
  ls: lsCommand,
  sysctl: sysctlCommand,
  wc: wcCommand,
  grep: grepCommand,
  head: headCommand,
  tail: tailCommand,
  sort: sortCommand,
};
