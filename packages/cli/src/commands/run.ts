/**
 * `netstage run SCRIPT`: run a shell script against a fresh simulated kernel and print
 * what a terminal would show.
 *
 * @module
 */

import { Kernel, isNetError } from '@netstage/core-net';
import type { CommandIo } from '../io.js';
import { netstageLayers } from '../layers.js';
import { UsageError, parseOptions } from '../options.js';
import { ShellSession } from '../shell/interpreter.js';
import { Deadlock } from '../shell/scheduler.js';

/** Usage text of `netstage run`. */
export const runUsage = `Usage: netstage run [-x] [--stage SEL] [--seed N] SCRIPT

Run SCRIPT (a shell script: ip, ping, sysctl, cat, ss, nc, ...) against a fresh
simulated kernel, as 'bash SCRIPT' would on a machine of its own, and exit with
the script's status. Time is virtual: sleep and ping intervals take no real time.

Options:
  -x, --trace     print each command as '$ COMMAND' before its output
  --stage SEL     which stages are on (default all; see 'netstage stages')
  --seed N        the seed of the kernel's random numbers (default 1)
  -h, --help      print this text
`;

/** How a script run is set up. */
export interface ScriptRun {
  /** The script's text. */
  readonly script: string;
  /** Its name in messages (`NAME: line N: ...`). */
  readonly name: string;
  /** The stage selection. */
  readonly stage: string;
  /** The kernel's seed. */
  readonly seed: number;
  /** Echo each command as `$ COMMAND`. */
  readonly trace: boolean;
}

/**
 * Boot a kernel for `run` and run the script in it, writing to `io`; the status is the
 * script's, or 1 when it could not go on (every process waiting forever).
 *
 * @throws NetError EINVAL for a bad stage selection.
 *
 * @example
 * ```ts
 * import { bufferedIo, runScript } from '@netstage/cli';
 * const io = bufferedIo();
 * runScript({ script: 'ip netns add red\nip netns list\n', name: 'x.sh', stage: 'all', seed: 1, trace: false }, io); // 0
 * io.stdout(); // 'red\n'
 * ```
 */
export function runScript(run: ScriptRun, io: CommandIo): number {
  const kernel = Kernel.boot({ stages: run.stage, seed: run.seed, layers: netstageLayers });
  const shell = new ShellSession(kernel, {
    io,
    name: run.name,
    lineNumbers: true,
    ...(run.trace ? { trace: { prefix: '$ ', stream: 'stdout' as const, form: 'source' as const } } : {}),
  });
  try {
    return shell.run(run.script);
  } catch (err) {
    if (!(err instanceof Deadlock)) throw err;
    io.err(`netstage: ${run.name}: ${err.message}\n`);
    return 1;
  } finally {
    shell.close();
  }
}

/**
 * `netstage run [-x] [--stage SEL] [--seed N] SCRIPT`.
 *
 * @returns the script's exit status; 2 for a usage mistake or a bad selection; 127 when
 *   the script cannot be read (as a shell given a missing script file).
 *
 * @example
 * ```ts
 * import { bufferedIo, runCommand } from '@netstage/cli';
 * const io = bufferedIo();
 * runCommand(['--help'], io); // 0
 * ```
 */
export function runCommand(args: readonly string[], io: CommandIo): number {
  let run: ScriptRun;
  try {
    const opts = parseOptions(args, { stage: 'value', seed: 'value', trace: 'flag', help: 'flag' }, { h: 'help', x: 'trace' });
    if (opts.flags.has('help')) {
      io.out(runUsage);
      return 0;
    }
    const [path, ...extra] = opts.positionals;
    if (path === undefined) throw new UsageError('run: a SCRIPT is needed');
    if (extra.length > 0) throw new UsageError(`run: unexpected argument '${extra[0]}'`);
    const seedText = opts.values.get('seed') ?? '1';
    if (!/^\d+$/.test(seedText)) throw new UsageError(`run: --seed needs a non-negative integer, not '${seedText}'`);
    if (io.readFile === undefined) {
      io.err(`netstage: run: cannot read ${path}: no file system here\n`);
      return 127;
    }
    let script: string;
    try {
      script = io.readFile(path);
    } catch (err) {
      const code = (err as { code?: string }).code;
      io.err(`netstage: ${path}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : String(err)}\n`);
      return 127;
    }
    run = { script, name: path, stage: opts.values.get('stage') ?? 'all', seed: Number(seedText), trace: opts.flags.has('trace') };
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`netstage: ${err.message}\n${runUsage}`);
      return 2;
    }
    throw err;
  }
  try {
    return runScript(run, io);
  } catch (err) {
    if (isNetError(err, 'EINVAL')) {
      io.err(`netstage: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
