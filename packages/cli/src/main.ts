/**
 * The `netstage` command's dispatcher.
 *
 * @module
 */

import { stagesCommand } from './commands/stages.js';
import type { CommandIo } from './io.js';

/** Top-level usage text. */
export const netstageUsage = `Usage: netstage COMMAND [OPTIONS]

Commands:
  stages [--stage SEL]   print the stage manifest and which stages SEL turns on
                         (SEL: all, none, a number N for the first N stages,
                         a stage id for the series up to it, or a comma list)
  help                   print this text
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
