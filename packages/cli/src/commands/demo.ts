/**
 * `netstage demo`: the main job — a built-in session over a fresh kernel, printed as a
 * terminal would show it, then the stage matrix of that session.
 *
 * @module
 */

import { Kernel } from '@netstage/core-net';
import type { CommandIo } from '../io.js';
import { netstageLayers } from '../layers.js';
import { ShellSession } from '../shell/interpreter.js';
import { Deadlock } from '../shell/scheduler.js';
import { demoScript } from './demo-script.js';
import { formatMatrixText, stageMatrix } from './matrix.js';

/** Usage text of `netstage demo`. */
export const demoUsage = `Usage: netstage demo [--no-matrix]

Play a built-in session on a fresh simulated kernel: two hosts and a router in
three network namespaces joined by veth pairs, addresses, routes, forwarding, a
ping across the router, a UDP exchange with nc, and what /proc/net and ss show
inside each namespace. Then run the same session at every stage prefix and
print the stage matrix: from which historical step each line works.

Options:
  --no-matrix   the session only
  -h, --help    print this text
`;

/**
 * Print the demo session: comments as they are, each command as `$ COMMAND` followed by
 * its output. Returns 0 when every command succeeded, else the first failing status.
 *
 * @example
 * ```ts
 * import { bufferedIo, playDemo } from '@netstage/cli';
 * const io = bufferedIo();
 * playDemo(io); // 0
 * io.stdout().includes('$ ip netns exec h1 ping -c 2 10.0.2.2'); // true
 * ```
 */
export function playDemo(io: CommandIo, script = demoScript): number {
  const kernel = Kernel.boot({ layers: netstageLayers });
  const shell = new ShellSession(kernel, { io, trace: { prefix: '$ ', stream: 'stdout', form: 'source' } });
  let status = 0;
  try {
    for (const line of script.split('\n')) {
      if (line.trim() === '') continue;
      if (line.startsWith('#')) {
        io.out(`\n${line}\n`);
        continue;
      }
      const st = shell.runLine(line);
      if (status === 0) status = st;
    }
  } catch (err) {
    if (!(err instanceof Deadlock)) throw err;
    io.err(`netstage: demo: ${err.message}\n`);
    status = 1;
  } finally {
    shell.close();
  }
  return status;
}

/**
 * `netstage demo [--no-matrix]`.
 *
 * @returns 0 when every step of the session succeeded, 1 otherwise; 2 for a usage mistake.
 *
 * @example
 * ```ts
 * import { bufferedIo, demoCommand } from '@netstage/cli';
 * const io = bufferedIo();
 * demoCommand(['--no-matrix'], io); // 0
 * ```
 */
export function demoCommand(args: readonly string[], io: CommandIo): number {
  const known = new Set(['--no-matrix', '--help', '-h']);
  const bad = args.find((a) => !known.has(a));
  if (bad !== undefined) {
    io.err(`netstage: demo: unknown argument '${bad}'\n${demoUsage}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(demoUsage);
    return 0;
  }
  io.out('netstage demo: two hosts and a router in three network namespaces\n');
  const status = playDemo(io);
  if (!args.includes('--no-matrix')) {
    io.out('\n');
    io.out(formatMatrixText(stageMatrix(demoScript)));
  }
  return status === 0 ? 0 : 1;
}
