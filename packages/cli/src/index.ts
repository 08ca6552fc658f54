/**
 * # @netstage/cli: the `netstage` command
 *
 * The way people use netstage: a shell over a simulated kernel, speaking the commands
 * of a Linux machine — `ip` (iproute2 6.1), `ping` (iputils), `sysctl` (procps), `ss`,
 * `nc` (OpenBSD netcat, UDP), `cat`/`ls` over `/proc`, `echo`, `sleep`, and the text
 * filters `wc`, `grep`, `head`, `tail`, `sort` — with their output, messages and exit
 * statuses, so a script written for real namespaces runs here unchanged (IPv6 aside).
 *
 * - `netstage demo` plays a built-in session (two hosts and a router in three
 *   namespaces) and prints its stage matrix; `npm start` runs it.
 * - `netstage run SCRIPT` runs a script; `netstage shell` is interactive.
 * - `netstage matrix [SCRIPT]` runs a script at every prefix of the stage series and
 *   shows from which historical step each line works, and which gate refused it before.
 * - `netstage stages` prints the composed stage manifest.
 *
 * ## How the shell runs
 *
 * A command is a generator ({@link Command} → {@link Proc}) that runs until it must wait
 * — for virtual time, input on a {@link Pipe}, a datagram — and yields what it waits
 * for ({@link Wait}). One {@link Scheduler} steps every process of a session and moves
 * the kernel's virtual clock when all of them wait, so pipelines, background jobs,
 * `sleep` and ping intervals share one deterministic timeline and a script takes no
 * wall time. Each process owns a task forked from its parent's, so `ip netns exec`
 * moves only that process. {@link ShellSession} parses and executes the language
 * (quotes, variables, `$?`, `;`, `&&`, `||`, pipes, `&`, `wait`, redirections, `exit`).
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
export { IP_USAGE, IP_VERSION, ipCommand } from './commands/ip/index.js';
export { IP_LINK_USAGE, formatLinkRecord, ipLink } from './commands/ip/link.js';
export { IP_NETNS_USAGE, ipNetns } from './commands/ip/netns.js';
export { ipMatches, type IpObjectCommand, type IpOptions } from './commands/ip/options.js';
export { formatLinkBrief, formatLinkFlags, formatLinkHeader, formatLinkStats, formatMac, linkDisplayName, linkNetnsSuffix, type LinkHeaderOptions, type LinkView } from './commands/ip/link-format.js';
export { formatInetLine, ipAddr } from './commands/ip/addr.js';
export { IpArgs, IpExit, parseInetAddress, parseInetPrefix, parseScope, parseSmallNumber, rtnlFailure, runIpBody, scopeName, type TypedPrefix } from './commands/ip/inet-args.js';
export { formatNeighLine, ipNeigh } from './commands/ip/neigh.js';
export { formatRouteGet, formatRouteLine, parseRouteTable, routeTableName, type RouteLineOptions } from './commands/ip/route-format.js';
export { ipRoute } from './commands/ip/route.js';
export { NC_USAGE, ncCommand } from './commands/nc.js';
export { PING_USAGE, pingCommand, pingTime } from './commands/ping.js';
export { SS_SERVICES, SS_USAGE, renderSsTable, ssCommand } from './commands/ss.js';
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
export { ShellSession, type ShellOptions, type ShellTrace } from './shell/interpreter.js';
export {
  ShellParser,
  ShellSyntaxError,
  type AndOr,
  type Assignment,
  type CompleteCommand,
  type Pipeline,
  type Redirect,
  type SimpleCommand,
  type Word,
  type WordPart,
} from './shell/parser.js';
export {
  byteOrder,
  catCommand,
  echoCommand,
  falseCommand,
  lsCommand,
  sleepCommand,
  sysctlCommand,
  trueCommand,
  usageError,
} from './shell/builtins.js';
export { grepCommand, headCommand, sortCommand, tailCommand, wcCommand } from './shell/filters.js';
export { getopt, type FoundOption, type GetoptResult, type LongOption } from './shell/getopt.js';
export { RegexError, posixRegexSource } from './shell/regex.js';
export { absolute, fileError, isDevNull, isDirectory, readShellFile } from './shell/files.js';
export { demoCommand, demoUsage, playDemo } from './commands/demo.js';
export { demoScript } from './commands/demo-script.js';
export {
  formatMatrixMarkdown,
  formatMatrixText,
  matrixCommand,
  matrixUsage,
  scriptSteps,
  stageMatrix,
  type MatrixRow,
  type StageMatrix,
  type StepOutcome,
} from './commands/matrix.js';
export { runCommand, runScript, runUsage, type ScriptRun } from './commands/run.js';
export { InteractiveShell, shellUsage } from './commands/shell.js';
