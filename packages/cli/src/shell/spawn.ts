/**
 * Starting commands: look the name up, give the process its own task and streams, and
 * let the task exit when the command returns. `runArgv` runs one command to completion
 * in virtual time (what tests and `ip netns exec` build on).
 *
 * @module
 */

import type { Kernel, Task } from '@netstage/core-net';
import { Pipe, emptyInput, type Command, type Proc, type ProcContext, type Wait } from './process.js';
import { Scheduler } from './scheduler.js';

/** The commands a shell knows, by name. */
export type CommandTable = ReadonlyMap<string, Command>;

/** The three standard streams of a process. */
export interface Stdio {
  /** Standard input. */
  readonly stdin: Pipe;
  /** Standard output. */
  readonly stdout: Pipe;
  /** Standard error. */
  readonly stderr: Pipe;
}

/**
 * The process for `argv` with `task` as its own task (it exits when the command
 * returns, whatever happens). An unknown name prints bash's `NAME: command not found`
 * and exits 127.
 */
export function spawnCommand(
  table: CommandTable,
  kernel: Kernel,
  argv: readonly string[],
  stdio: Stdio,
  task: Task,
  env: ReadonlyMap<string, string> = new Map(),
): Proc {
  const name = argv[0] ?? '';
  const command = table.get(name);
  if (command === undefined) {
    stdio.stderr.write(`${name}: command not found\n`);
    if (task.alive) task.exit();
    return { next: () => ({ done: true, value: 127 }) };
  }
  const ctx: ProcContext = {
    kernel,
    task,
    argv,
    ...stdio,
    env,
    spawn: (childArgv, childTask) => spawnCommand(table, kernel, childArgv, stdio, childTask, env),
    has: (n) => table.has(n),
  };
  return owning(command(ctx), task);
}

/** `proc`, with `task` exiting when it returns or throws. */
function* owning(proc: Proc, task: Task): Generator<Wait, number, undefined> {
  try {
    for (;;) {
      const r = proc.next();
      if (r.done === true) return r.value;
      yield r.value;
    }
  } finally {
    if (task.alive) task.exit();
  }
}

/** What a command printed and returned. */
export interface CommandResult {
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
  /** Exit status. */
  readonly status: number;
}

/**
 * Run one command to completion in virtual time, as a child of `parent` (initNet's first
 * task unless told), with `stdin` as its input.
 *
 * @throws Deadlock when the command waits for something that never comes.
 */
export function runArgv(
  table: CommandTable,
  kernel: Kernel,
  argv: readonly string[],
  options: { readonly parent?: Task; readonly stdin?: string } = {},
): CommandResult {
  const parent = options.parent ?? kernel.initTask;
  const stdin = options.stdin === undefined ? emptyInput() : new Pipe();
  if (options.stdin !== undefined) {
    stdin.write(options.stdin);
    stdin.close();
  }
  const stdout = new Pipe();
  const stderr = new Pipe();
  const scheduler = new Scheduler(kernel);
  const job = scheduler.spawn(spawnCommand(table, kernel, argv, { stdin, stdout, stderr }, parent.fork()));
  scheduler.run(() => job.done);
  return { stdout: stdout.take(), stderr: stderr.take(), status: job.status };
}
