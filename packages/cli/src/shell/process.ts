/**
 * Processes of the netstage shell: a command is a generator that runs until it has to
 * wait — for virtual time, for input on a pipe, for a datagram — and says what it waits
 * for. A scheduler steps every process in turn and moves the virtual clock when all of
 * them wait, so scripts run deterministically and as fast as the CPU allows.
 *
 * @module
 */

import type { Kernel, Task } from '@netstage/core-net';

/**
 * What a blocked process waits for: a virtual instant, a condition, or both (whichever
 * comes first). A `Wait` with neither is a plain yield (let others run).
 */
export interface Wait {
  /** Virtual time (ms since boot) to wake at. */
  readonly until?: number;
  /** Becomes true when the process can go on; checked after every step and event. */
  readonly ready?: () => boolean;
  /**
   * Go on only once no other process can run at this instant (and before time moves):
   * what a shell does after starting a background job, so the job gets going — binds
   * its port, say — before the script's next command, as the job's head start on a real
   * machine nearly always gives it.
   */
  readonly idle?: true;
}

/**
 * A running command: step it with `next()`; it yields what it waits for and returns its
 * exit status (0–255).
 */
export type Proc = Iterator<Wait, number, undefined>;

/**
 * A byte stream between processes (text, as the shell only moves text): a pipe, a
 * terminal, a file being written. Writers append; the reader takes what is there.
 *
 * @example
 * ```ts
 * import { Pipe } from '@netstage/cli';
 * const p = new Pipe();
 * p.write('hi\n');
 * p.close();
 * p.take(); // 'hi\n'
 * p.eof;    // true
 * ```
 */
export class Pipe {
  #chunks: string[] = [];
  #closed = false;
  readonly #sink: ((text: string) => void) | undefined;

  /** A pipe; with `sink`, everything written goes straight there instead (a terminal). */
  constructor(sink?: (text: string) => void) {
    this.#sink = sink;
  }

  /** Append text (ignored once closed, as a write to a closed pipe is lost). */
  write(text: string): void {
    if (this.#closed || text === '') return;
    if (this.#sink !== undefined) this.#sink(text);
    else this.#chunks.push(text);
  }

  /** No more writes will come: the reader sees end of file once it took the rest. */
  close(): void {
    this.#closed = true;
  }

  /** Whether text is waiting to be taken. */
  get available(): boolean {
    return this.#chunks.length > 0;
  }

  /** Whether the writer closed and everything was taken. */
  get eof(): boolean {
    return this.#closed && this.#chunks.length === 0;
  }

  /** Take everything written so far (`''` when nothing is there). */
  take(): string {
    const out = this.#chunks.join('');
    this.#chunks = [];
    return out;
  }
}

/** An input that is empty and at end of file: `/dev/null`, or a script's stdin. */
export function emptyInput(): Pipe {
  const p = new Pipe();
  p.close();
  return p;
}

/** What a command gets when it starts. */
export interface ProcContext {
  /** The simulated kernel. */
  readonly kernel: Kernel;
  /**
   * The process's own task (forked from its parent's, so `unshare`/`setns` here never
   * move the shell); it exits when the command returns.
   */
  readonly task: Task;
  /** Arguments, `argv[0]` being the command name. */
  readonly argv: readonly string[];
  /** Standard input. */
  readonly stdin: Pipe;
  /** Standard output. */
  readonly stdout: Pipe;
  /** Standard error. */
  readonly stderr: Pipe;
  /** Environment: the shell's variables as exported to commands. */
  readonly env: ReadonlyMap<string, string>;
  /**
   * Start another command as a child with the same standard streams and `task` as its
   * task (which the child then owns): what `ip netns exec NS CMD` does after entering
   * NS. An unknown command prints `NAME: command not found` and exits 127, as bash.
   */
  spawn(argv: readonly string[], task: Task): Proc;
  /** Whether the shell knows a command by this name (what `execvp` would find). */
  has(name: string): boolean;
}

/** A command of the shell: a function making the process for one run. */
export type Command = (ctx: ProcContext) => Proc;

/**
 * A process that finishes at once with `status` (for commands that never wait).
 *
 * @example
 * ```ts
 * import { finished } from '@netstage/cli';
 * finished(0).next(); // { done: true, value: 0 }
 * ```
 */
export function finished(status: number): Proc {
  return {
    next: () => ({ done: true, value: status }),
  };
}

/**
 * Everything on `input` up to end of file, waiting as needed: `const text = yield*
 * readAll(ctx.stdin)` inside a command.
 */
export function* readAll(input: Pipe): Generator<Wait, string, undefined> {
  let text = '';
  for (;;) {
    text += input.take();
    if (input.eof) return text;
    yield { ready: () => input.available || input.eof };
  }
}

/** Wait `ms` of virtual time: `yield* sleep(ctx, 1000)`. */
export function* sleep(ctx: Pick<ProcContext, 'kernel'>, ms: number): Generator<Wait, void, undefined> {
  const until = ctx.kernel.clock.now + ms;
  while (ctx.kernel.clock.now < until) yield { until };
}
