/**
 * The `sysctl` command over netstage's `/proc/sys`, behaving as procps-ng 4.0.2's
 * `sysctl` does (messages, exit statuses and the odd corners included), for the one
 * subtree netstage has: `net`.
 *
 * @module
 */

import { NetError, type Kernel, type Task } from '@netstage/core-net';
import { procFs, type ProcFs } from './vfs.js';

/** What a run of {@link sysctl} printed and returned. */
export interface SysctlOutput {
  /** Everything written to standard output. */
  readonly stdout: string;
  /** Everything written to standard error. */
  readonly stderr: string;
  /** The exit status (0–255). */
  readonly status: number;
}

const PROC_PATH = '/proc/sys/';
const DEFAULT_PRELOAD = '/etc/sysctl.conf';
const DEPRECATED = ['base_reachable_time', 'retrans_time'];
const VERSION = 'sysctl from procps-ng 4.0.2\n';
const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
      --dry-run        Print the key and values but do not write
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;

/** getopt's short options: a letter, then `:` for a required and `::` for an optional argument. */
const SHORT = 'bneNwfp::qoxaAXr:Vdh';
const LONG: readonly { readonly name: string; readonly arg: 'none' | 'required' | 'optional'; readonly val: string }[] = [
  { name: 'all', arg: 'none', val: 'a' },
  { name: 'deprecated', arg: 'none', val: 'deprecated' },
  { name: 'dry-run', arg: 'none', val: 'dry-run' },
  { name: 'binary', arg: 'none', val: 'b' },
  { name: 'ignore', arg: 'none', val: 'e' },
  { name: 'names', arg: 'none', val: 'N' },
  { name: 'values', arg: 'none', val: 'n' },
  { name: 'load', arg: 'optional', val: 'p' },
  { name: 'quiet', arg: 'none', val: 'q' },
  { name: 'write', arg: 'none', val: 'w' },
  { name: 'system', arg: 'none', val: 'system' },
  { name: 'pattern', arg: 'required', val: 'r' },
  { name: 'help', arg: 'none', val: 'h' },
  { name: 'version', arg: 'none', val: 'V' },
];

/** C's `isspace` in the C locale. */
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';
}

/** Thrown to end the run early, as `exit()` does. */
class Exit {
  constructor(readonly status: number) {}
}

/** One parsed option, or a getopt error (`?`). */
type Opt = { readonly c: string; readonly arg?: string | undefined };

class Run {
  out = '';
  err = '';
  printName = true;
  printNewline = true;
  ignoreError = false;
  quiet = false;
  nameOnly = false;
  ignoreDeprecated = true;
  dryRun = false;
  pattern: string | undefined;

  constructor(
    readonly fs: ProcFs,
    readonly task: Task,
  ) {}

  warnx(msg: string): void {
    this.err += `sysctl: ${msg}\n`;
  }

  warn(msg: string, e: NetError): void {
    this.err += `sysctl: ${msg}: ${e.strerror}\n`;
  }

  usage(toStdout: boolean): never {
    if (toStdout) this.out += USAGE;
    else this.err += USAGE;
    throw new Exit(toStdout ? 0 : 1);
  }

  /**
   * procps' `slashdot`: if the first separator is already `to`, leave the name alone;
   * otherwise swap every `.` and `/`. Warns once about a doubled separator (`times`
   * times: the display conversion of a read warned twice on 4.0.2).
   */
  slashdot(name: string, to: '.' | '/', times = 1): string {
    const first = name.search(/[./]/);
    if (first < 0 || name[first] === to) return name;
    let warned = false;
    let out = name.slice(0, first);
    for (let i = first; i < name.length; i++) {
      const c = name[i] as string;
      if (c !== '.' && c !== '/') {
        out += c;
        continue;
      }
      const next = name[i + 1];
      if ((next === '.' || next === '/') && !warned) {
        for (let k = 0; k < times; k++) this.warnx(`separators should not be repeated: ${name.slice(i)}`);
        warned = true;
      }
      out += c === '.' ? '/' : '.';
    }
    return out;
  }

  /** `stat(2)`, with the kernel's ENOTDIR for a file named with a trailing `/`. */
  stat(path: string): { type: 'file' | 'dir' | 'link'; mode: number } {
    const st = this.fs.stat(this.task, path);
    if (st.type === 'file' && /\/\.?$/.test(path)) throw new NetError('ENOTDIR', { syscall: 'stat' });
    return st;
  }

  /** procps' `is_proc_path`: the resolved path must lie below `/proc/sys/`. */
  isProcPath(path: string): boolean {
    const segs: string[] = [];
    for (const s of path.split('/')) {
      if (s === '' || s === '.') continue;
      if (s === '..') segs.pop();
      else segs.push(s);
    }
    if (`/${segs.join('/')}`.startsWith(PROC_PATH)) return true;
    this.warnx(`Path is not under ${PROC_PATH}: ${path}`);
    return false;
  }

  matches(name: string): boolean {
    if (this.pattern === undefined) return true;
    try {
      return new RegExp(this.pattern).test(name);
    } catch {
      return false;
    }
  }

  /** procps' `ReadSetting`: 0, 1, or -1 for a bad name. */
  readSetting(name: string): number {
    if (name === '') {
      this.warnx('"" is an unknown key');
      return -1;
    }
    const tmpname = PROC_PATH + this.slashdot(name, '/');
    const outname = this.slashdot(name, '.', 2);
    let st;
    try {
      st = this.stat(tmpname);
    } catch (e) {
      if (!(e instanceof NetError)) throw e;
      if (this.ignoreError) return 0;
      this.warn(`cannot stat ${tmpname}`, e);
      return 1;
    }
    if ((st.mode & 0o400) === 0) return 0;
    if (!this.isProcPath(tmpname)) return -1;
    if (st.type === 'dir') return this.displayAll(`${tmpname}/`);
    if (!this.matches(outname)) return 0;
    if (this.nameOnly) {
      this.out += `${outname}\n`;
      return 0;
    }
    let content: string;
    try {
      content = this.fs.readFile(this.task, tmpname);
    } catch (e) {
      if (!(e instanceof NetError)) throw e;
      if (e.code === 'ENOENT') {
        if (this.ignoreError) return 0;
        this.warnx(`"${outname}" is an unknown key`);
      } else if (e.code === 'EACCES') this.warnx(`permission denied on key '${outname}'`);
      else if (e.code !== 'EIO') this.warn(`reading key "${outname}"`, e);
      return 1;
    }
    for (const line of content.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
      if (this.printName) this.out += `${outname} = ${line}${line.endsWith('\n') ? '' : '\n'}`;
      else this.out += this.printNewline ? line : line.replace('\n', '');
    }
    return 0;
  }

  /** procps' `DisplayAll`: every key below `path` (which ends in `/`), in directory order. */
  displayAll(path: string): number {
    let names: string[];
    try {
      names = this.fs.readdir(this.task, path);
    } catch {
      this.warnx(`unable to open directory "${path}"`);
      return 1;
    }
    let rc = 0;
    for (const name of names) {
      if (this.ignoreDeprecated && DEPRECATED.includes(name)) continue;
      const tmpdir = path + name;
      let st;
      try {
        st = this.stat(tmpdir);
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        this.warn(`cannot stat ${tmpdir}`, e);
        continue;
      }
      if (st.type === 'dir') this.displayAll(`${tmpdir}/`);
      else rc |= this.readSetting(tmpdir.slice(PROC_PATH.length));
    }
    return rc;
  }

  /** procps' `parse_setting_line` for a command-line argument, then `WriteSetting`. */
  writeArg(arg: string): number {
    let key = arg.replace(/^[ \t\n\v\f\r]*/, '');
    if (key.length < 2 || key[0] === '#' || key[0] === ';') return 1;
    if (!this.matches(key)) return 1;
    const eq = key.indexOf('=');
    let value: string | undefined;
    let ignoreFailure = false;
    if (eq < 0) {
      if (key[0] !== '-') {
        this.warnx('command line(0): invalid syntax, continuing...');
        return 1;
      }
      key = rstrip(key.slice(1));
    } else {
      value = rstrip(key.slice(eq + 1).replace(/^[ \t\n\v\f\r]*/, ''));
      key = key.slice(0, eq);
      if (key[0] === '-') {
        ignoreFailure = true;
        key = key.slice(1);
      }
      key = rstrip(key);
    }
    const path = PROC_PATH + this.slashdot(key[0] === '-' ? key.slice(1) : key, '/');
    return this.writeSetting(path, value ?? '(null)', ignoreFailure);
  }

  /** procps' `WriteSetting` (4.0.2: a directory or a read-only key only warns). */
  writeSetting(path: string, value: string, ignoreFailure: boolean): number {
    let st;
    try {
      st = this.stat(path);
    } catch (e) {
      if (!(e instanceof NetError)) throw e;
      if (this.ignoreError) return 0;
      this.warn(`cannot stat ${path}`, e);
      return 1;
    }
    if (!this.isProcPath(path)) return 1;
    const dotted = this.slashdot(path.slice(PROC_PATH.length), '.');
    if (st.type === 'dir' || (st.mode & 0o200) === 0) {
      this.warn(`setting key "${dotted}"`, new NetError('EINVAL'));
      return 0;
    }
    const ignoring = ignoreFailure ? ', ignoring' : '';
    let rc = 0;
    if (!this.dryRun) {
      let fd: number;
      try {
        fd = this.fs.open(this.task, path, 'w');
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        if (e.code === 'ENOENT') {
          if (!this.ignoreError) this.warnx(`"${dotted}" is an unknown key${ignoring}`);
          return ignoreFailure || this.ignoreError ? 0 : 1;
        }
        if (e.code === 'EPERM' || e.code === 'EROFS' || e.code === 'EACCES') this.warnx(`permission denied on key "${dotted}"${ignoring}`);
        else this.warn(`setting key "${dotted}"${ignoring}`, e);
        return ignoreFailure ? 0 : 1;
      }
      try {
        this.fs.write(this.task, fd, `${value}\n`);
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        this.warn(`setting key "${dotted}"`, e);
        rc = 1;
      } finally {
        this.task.close(fd);
      }
      if (rc !== 0) return rc;
    }
    if (!this.quiet || this.dryRun) {
      if (this.nameOnly) this.out += `${value}\n`;
      else if (this.printName) this.out += `${dotted} = ${value}\n`;
      else this.out += this.printNewline ? `${value}\n` : value;
    }
    return rc;
  }

  /** `/etc/sysctl.conf` and friends: netstage has no files, so each is missing. */
  preload(file: string): number {
    this.warn(`cannot open "${file}"`, new NetError('ENOENT'));
    return 1;
  }

  /**
   * GNU `getopt_long` with argument permutation: yields the options one by one (so an
   * option that ends the run stops the parse there) and collects the operands.
   */
  *getopt(argv: readonly string[], operands: string[]): Generator<Opt> {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] as string;
      if (a === '--') {
        operands.push(...argv.slice(i + 1));
        break;
      }
      if (a.startsWith('--')) {
        const eq = a.indexOf('=');
        const name = a.slice(2, eq < 0 ? undefined : eq);
        const exact = LONG.find((o) => o.name === name);
        const found = exact !== undefined ? [exact] : LONG.filter((o) => o.name.startsWith(name));
        if (found.length === 0) {
          this.warnx(`unrecognized option '${eq < 0 ? a : a.slice(0, eq)}'`);
          yield { c: '?' };
          continue;
        }
        if (found.length > 1) {
          this.warnx(`option '${a.slice(0, eq < 0 ? undefined : eq)}' is ambiguous; possibilities:${found.map((o) => ` '--${o.name}'`).join('')}`);
          yield { c: '?' };
          continue;
        }
        const o = found[0] as (typeof LONG)[number];
        if (eq >= 0 && o.arg === 'none') {
          this.warnx(`option '--${o.name}' doesn't allow an argument`);
          yield { c: '?' };
        } else if (o.arg === 'required' && eq < 0) {
          if (i + 1 < argv.length) yield { c: o.val, arg: argv[++i] };
          else {
            this.warnx(`option '--${o.name}' requires an argument`);
            yield { c: '?' };
          }
        } else yield { c: o.val, arg: eq < 0 ? undefined : a.slice(eq + 1) };
        continue;
      }
      if (a.length < 2 || a[0] !== '-') {
        operands.push(a);
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const at = c === ':' ? -1 : SHORT.indexOf(c);
        if (at < 0) {
          this.warnx(`invalid option -- '${c}'`);
          yield { c: '?' };
          continue;
        }
        const spec = SHORT.slice(at + 1, at + 3);
        if (spec === '::') {
          yield { c, arg: j + 1 < a.length ? a.slice(j + 1) : undefined };
          break;
        }
        if (spec.startsWith(':')) {
          if (j + 1 < a.length) yield { c, arg: a.slice(j + 1) };
          else if (i + 1 < argv.length) yield { c, arg: argv[++i] };
          else {
            this.warnx(`option requires an argument -- '${c}'`);
            yield { c: '?' };
          }
          break;
        }
        yield { c };
      }
    }
  }

  main(argv: readonly string[]): number {
    if (argv.length < 1) this.usage(false);
    let writeMode = false;
    let displayAllOpt = false;
    let preloadOpt = false;
    let preloadFile: string | undefined;
    const operands: string[] = [];
    for (const { c, arg } of this.getopt(argv, operands)) {
      switch (c) {
        case 'b':
          this.printNewline = false;
          this.printName = false;
          break;
        case 'n':
          this.printName = false;
          break;
        case 'e':
          this.ignoreError = true;
          break;
        case 'N':
          this.nameOnly = true;
          break;
        case 'w':
          writeMode = true;
          break;
        case 'f':
        case 'p':
          preloadOpt = true;
          if (arg !== undefined) preloadFile = arg;
          break;
        case 'q':
          this.quiet = true;
          break;
        case 'o':
        case 'x':
          break;
        case 'a':
        case 'A':
        case 'X':
          displayAllOpt = true;
          break;
        case 'deprecated':
          this.ignoreDeprecated = false;
          break;
        case 'system':
          // PreloadSystem: no sysctl.d directory and no sysctl.conf exist in netstage.
          return 0;
        case 'dry-run':
          this.dryRun = true;
          break;
        case 'r':
          this.pattern = arg;
          break;
        case 'V':
          this.out += VERSION;
          return 0;
        default:
          // -d, -h and getopt's '?': usage on standard output, status 0.
          this.usage(true);
      }
    }
    if (displayAllOpt) return this.displayAll(PROC_PATH);
    if (preloadOpt) {
      let rc = 0;
      if (preloadFile !== undefined) rc |= this.preload(preloadFile);
      else if (operands.length === 0) rc |= this.preload(DEFAULT_PRELOAD);
      for (const f of operands) rc |= this.preload(f);
      return rc;
    }
    if (operands.length < 1) {
      this.warnx("no variables specified\nTry `sysctl --help' for more information.");
      return 1;
    }
    if (this.nameOnly && this.quiet) {
      this.warnx("options -N and -q cannot coexist\nTry `sysctl --help' for more information.");
      return 1;
    }
    let rc = 0;
    for (const arg of operands) {
      if (writeMode || arg.includes('=')) rc |= this.writeArg(arg);
      else rc += this.readSetting(arg);
    }
    return rc;
  }
}

/** procps' `rstrip`: drop trailing white space, but never the first character. */
function rstrip(s: string): string {
  let end = s.length;
  while (end > 1 && isSpace(s[end - 1])) end--;
  return s.slice(0, end);
}

/**
 * Run `sysctl ARGV...` as `task`: read, list and write the keys of `/proc/sys` in the
 * task's namespace, printing what procps-ng's `sysctl` prints.
 *
 * Keys may be written with dots or slashes (`net.ipv4.ip_forward`, `net/ipv4/ip_forward`);
 * a directory key lists its subtree; `-n` prints values only, `-N` names only, `-b`
 * values without newlines, `-e` ignores unknown keys, `-q` keeps writes quiet,
 * `-w KEY=VALUE` (or any argument holding `=`) writes, `-a`/`-A`/`-X` list everything,
 * `-r REGEX` filters by name, `--dry-run` prints without writing. Only `net` exists
 * below `/proc/sys`; `-p FILE` and `--system` find no files.
 *
 * @remarks
 * procps-ng 4.0.2 `sysctl.c` (`ReadSetting`, `WriteSetting`, `DisplayAll`,
 * `parse_setting_line`, `slashdot`), with the messages and statuses of that version as
 * captured on a 6.18 kernel inside a scratch namespace: a read's status is the *sum* of
 * the per-key results (`""` counts -1, so `sysctl ""` exits 255), a write's the OR; a
 * refused value is `sysctl: setting key "K": Invalid argument` with status 1; a
 * directory written to warns the same way but exits 0; an unknown option prints the
 * usage on standard output with status 0; no argument at all prints it on standard error
 * with status 1. The kernel side is `fs/proc/proc_sysctl.c`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procfsLayer, sysctl } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * const sh = kernel.initTask;
 * sysctl(kernel, sh, ['-w', 'net.ipv4.ip_forward=1']).stdout; // 'net.ipv4.ip_forward = 1\n'
 * sysctl(kernel, sh, ['-n', 'net/ipv4/conf/lo/forwarding']).stdout; // '1\n'
 * sysctl(kernel, sh, ['net.ipv4.nosuch']);
 * // { stdout: '', stderr: 'sysctl: cannot stat /proc/sys/net/ipv4/nosuch: No such file or directory\n', status: 1 }
 * ```
 */
export function sysctl(kernel: Kernel, task: Task, argv: readonly string[]): SysctlOutput {
  const run = new Run(procFs(kernel), task);
  let rc: number;
  try {
    rc = run.main(argv);
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    rc = e.status;
  }
  return { stdout: run.out, stderr: run.err, status: ((rc % 256) + 256) % 256 };
}
