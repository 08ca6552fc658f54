/**
 * `netstage shell`: an interactive session over a simulated kernel. The line loop lives
 * here as a small driver that a terminal front end (the Node binary) or a browser
 * console feeds line by line.
 *
 * @module
 */

import { Kernel } from '@netstage/core-net';
import type { CommandIo } from '../io.js';
import { netstageLayers } from '../layers.js';
import { ShellSession } from '../shell/interpreter.js';
import { Deadlock } from '../shell/scheduler.js';

/** Usage text of `netstage shell`. */
export const shellUsage = `Usage: netstage shell [--stage SEL] [--seed N]

An interactive shell over a fresh simulated kernel: ip, ping, sysctl, cat, ls,
ss, nc, echo, sleep, pipes, background jobs. Line editing and history come
from the terminal (arrow keys, Ctrl-R); Ctrl-D or 'exit' leaves. Between
commands the virtual clock follows the wall clock; while a command runs,
virtual time moves as fast as the command needs (sleep 5 returns at once).

Options:
  --stage SEL   which stages are on (default all; see 'netstage stages')
  --seed N      the seed of the kernel's random numbers (default 1)
  -h, --help    print this text
`;

/**
 * One interactive session: feed it lines, ask it for the prompt, tell it how much wall
 * time passed between lines.
 *
 * @example
 * ```ts
 * import { InteractiveShell, bufferedIo } from '@netstage/cli';
 * const io = bufferedIo();
 * const sh = new InteractiveShell(io, { stage: 'all', seed: 1 });
 * sh.prompt();              // 'netstage:init# '
 * sh.line('ip netns add red');
 * sh.line('ip netns list');
 * io.stdout();              // 'red\n'
 * sh.close();
 * ```
 */
export class InteractiveShell {
  readonly #kernel: Kernel;
  readonly #shell: ShellSession;
  readonly #io: CommandIo;

  /**
   * A shell on a kernel booted with `stage` and `seed`.
   *
   * @throws NetError EINVAL for a bad stage selection.
   */
  constructor(io: CommandIo, options: { readonly stage: string; readonly seed: number }) {
    this.#io = io;
    this.#kernel = Kernel.boot({ stages: options.stage, seed: options.seed, layers: netstageLayers });
    this.#shell = new ShellSession(this.#kernel, { io });
  }

  /** The prompt: `netstage:` and the shell's namespace (`init`, or its `ip netns` name). */
  prompt(): string {
    const net = this.#shell.task.net;
    const name = net.isInit ? 'init' : (this.#kernel.netns.identify(net)[0] ?? `net${net.id}`);
    return `netstage:${name}# `;
  }

  /** Let `ms` of wall time pass on the virtual clock (timers due on the way run). */
  elapse(ms: number): void {
    if (ms > 0) this.#kernel.clock.advance(ms);
  }

  /**
   * Run one line; returns `undefined` while the session goes on, or the status `exit`
   * ended it with.
   */
  line(text: string): number | undefined {
    try {
      this.#shell.runLine(text);
    } catch (err) {
      if (!(err instanceof Deadlock)) throw err;
      this.#io.err(`netstage: ${err.message}\n`);
    }
    return this.#shell.exitStatus;
  }

  /** The status of the last command. */
  get status(): number {
    return this.#shell.status;
  }

  /** End the session: stop background jobs. */
  close(): void {
    this.#shell.close();
  }
}
