/**
 * The `netstage` command's dispatcher.
 *
 * @module
 */

import { demoCommand } from './commands/demo.js';
import { matrixCommand } from './commands/matrix.js';
import { runCommand } from './commands/run.js';
import { stagesCommand } from './commands/stages.js';
import type { CommandIo } from './io.js';

/** Top-level usage text. */
export const netstageUsage = `Usage: netstage COMMAND [OPTIONS]

A simulated Linux network stack with many network namespaces, driven by the
commands you would use on Linux (ip, ping, sysctl, cat /proc/net/..., ss, nc).

Commands:
  demo [--no-matrix]     play the built-in session (two hosts and a router in
                         three namespaces) and print its stage matrix
  run [-x] [--stage SEL] [--seed N] SCRIPT
                         run a shell script against a fresh kernel; exit with
                         its status
  shell [--stage SEL] [--seed N]
                         an interactive shell over a fresh kernel
  matrix [--format text|md|json] [SCRIPT]
                         run a script (default: the demo) at every stage prefix
                         and show from which stage each line works
  stages [--stage SEL]   print the stage manifest and which stages SEL turns on
                         (SEL: all, none, a number N for the first N stages,
                         a stage id for the series up to it, or a comma list)
  help                   print this text

'netstage COMMAND --help' describes each command.
`;

/**
 * Run the `netstage` command with its arguments (without the program name) and return
 * the exit status.
 *
 * @example
 * ```ts
 * import { bufferedIo, runNetstage } from '@netstage/cli';
 * const io = bufferedIo();
 * runNetstage(['stages'], io); // 0
 * ```
 */
export function runNetstage(argv: readonly string[], io: CommandIo): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'stages':
      return stagesCommand(rest, io);
    case 'run':
      return runCommand(rest, io);
    case 'matrix':
      return matrixCommand(rest, io);
    case 'demo':
      return demoCommand(rest, io);
    case 'shell':
      io.err('netstage: shell needs a terminal: run the netstage binary (node packages/cli/dist/bin.js shell)\n');
      return 2;
    case 'help':
    case '--help':
    case '-h':
      io.out(netstageUsage);
      return 0;
    case undefined:
      io.err(netstageUsage);
      return 2;
    default:
      io.err(`netstage: unknown command '${command}'\n${netstageUsage}`);
      return 2;
  }
}
