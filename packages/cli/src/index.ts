/**
 * # @netstage/cli: the `netstage` command
 *
 * The way people use netstage. Today it has one job: `netstage stages` prints the
 * composed stage manifest — every historical conversion step the layers contribute,
 * in series order, with its upstream subject and commit, and whether a selection
 * (`--stage all|none|N|ID|LIST`) turns it on. Later it grows into an iproute2-compatible
 * shell over a simulated kernel (`netstage run`, `netstage shell`).
 *
 * What it owns: argument parsing, output formats, exit statuses. What it never does:
 * keep network state. Every answer comes from a {@link @netstage/core-net!Kernel}
 * booted with the layers in `netstageLayers`.
 *
 * Commands write through a {@link CommandIo} and return their exit status instead of
 * touching `process`, so the same code runs in the Node binary (`src/bin.ts`), in tests
 * and in a browser.
 *
 * @example
 * ```ts
 * import { bufferedIo, runNetstage } from '@netstage/cli';
 * const io = bufferedIo();
 * const status = runNetstage(['stages', '--stage', 'net-ns-task'], io);
 * status;       // 0
 * io.stdout();  // the table: net-ns-basic and net-ns-task on, net-ns-clone off
 * ```
 *
 * @packageDocumentation
 */

export { stagesCommand, stagesUsage } from './commands/stages.js';
export { bufferedIo, type BufferedIo, type CommandIo } from './io.js';
export { netstageLayers } from './layers.js';
export { netstageUsage, runNetstage } from './main.js';
export { UsageError, parseOptions, type ParsedOptions } from './options.js';
export { formatColumns } from './table.js';
export { ipCommand } from './commands/ip/index.js';
export type { IpObjectCommand, IpOptions } from './commands/ip/options.js';
export { ncCommand } from './commands/nc.js';
export { pingCommand } from './commands/ping.js';
export { ssCommand } from './commands/ss.js';
export { coreCommands } from './shell/builtins.js';
export {
  Pipe,
  emptyInput,
  finished,
  readAll,
  sleep,
  type Command,
  type Proc,
  type ProcContext,
  type Wait,
} from './shell/process.js';
export { Deadlock, Scheduler, type Job } from './shell/scheduler.js';
export { runArgv, spawnCommand, type CommandResult, type CommandTable, type Stdio } from './shell/spawn.js';
export { netstageCommands } from './shell/table.js';
