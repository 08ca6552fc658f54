#!/usr/bin/env node
/**
 * The `netstage` executable: hands its arguments to {@link runNetstage} and exits with
 * its status; `netstage shell` runs the interactive loop here, the one place that
 * touches the terminal and the wall clock (the real-time driver of the virtual clock).
 *
 * @module
 */

import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InteractiveShell, shellUsage } from './commands/shell.js';
import type { CommandIo } from './io.js';
import { runNetstage } from './main.js';
import { UsageError, parseOptions } from './options.js';

const io: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
  terminal: process.stderr.isTTY,
};

// Output piped into something that stopped reading (`netstage demo | head`): stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'shell') interactive(rest);
else process.exitCode = runNetstage(process.argv.slice(2), io);

function interactive(args: readonly string[]): void {
  let stage: string;
  let seed: number;
  try {
    const opts = parseOptions(args, { stage: 'value', seed: 'value', help: 'flag' }, { h: 'help' });
    if (opts.flags.has('help')) {
      io.out(shellUsage);
      return;
    }
    if (opts.positionals.length > 0) throw new UsageError(`shell: unexpected argument '${opts.positionals[0]}'`);
    stage = opts.values.get('stage') ?? 'all';
    seed = Number(opts.values.get('seed') ?? '1');
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('shell: --seed needs a non-negative integer');
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`netstage: ${err.message}\n${shellUsage}`);
    process.exitCode = 2;
    return;
  }
  let sh: InteractiveShell;
  try {
    sh = new InteractiveShell(io, { stage, seed });
  } catch (err) {
    io.err(`netstage: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY, historySize: 1000 });
  let last = performance.now();
  // A prompt only for a person at a terminal; piped input runs quietly, as bash does.
  const prompt = (): void => {
    if (process.stdin.isTTY !== true) return;
    rl.setPrompt(sh.prompt());
    rl.prompt();
  };
  prompt();
  rl.on('line', (text) => {
    const now = performance.now();
    sh.elapse(Math.floor(now - last));
    const ended = sh.line(text);
    last = performance.now();
    if (ended !== undefined) {
      process.exitCode = ended;
      rl.close();
      return;
    }
    prompt();
  });
  rl.on('close', () => {
    if (process.exitCode === undefined) process.exitCode = sh.status;
    sh.close();
    if (process.stdin.isTTY) process.stdout.write('\n');
  });
}
