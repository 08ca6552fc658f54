/**
 * `netstage shell`: an interactive session over a simulated kernel. The line loop lives
 * here as a small driver that a terminal front end (the Node binary) or a browser
 * console feeds line by line.
 *
 * @module
 */

import { Kernel, isNetError } from '@netstage/core-net';
import type { CommandIo } from '../io.js';
import { netstageLayers } from '../layers.js';
import { ShellSession } from '../shell/interpreter.js';
import { Deadlock } from '../shell/scheduler.js';

/** Usage text of `netstage shell`. */
export const shellUsage = `Usage: netstage shell [--stage SEL] [--seed N]

An interactive shell over a fresh simulated kernel: ip, ping, sysctl, cat, ls,
ss, nc, echo, sleep, pipes, background jobs. The prompt names the shell's
namespace; 'ip netns exec NAME bash' starts a shell inside NAME and 'exit'
comes back. Line editing and history come from the terminal (arrow keys,
Ctrl-R); Ctrl-D or 'exit' leaves. Between
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
 * sh.line('ip netns exec red bash');
 * sh.prompt();              // 'netstage:red# '
 * sh.line('exit');
 * sh.prompt();              // 'netstage:init# '
 * sh.close();
 * ```
 */
export class InteractiveShell {
  readonly #kernel: Kernel;
  /** The shells, outermost first: `ip netns exec NAME bash` pushes one, `exit` pops it. */
  readonly #shells: ShellSession[] = [];
  readonly #io: CommandIo;

  /**
   * A shell on a kernel booted with `stage` and `seed`.
   *
   * @throws NetError EINVAL for a bad stage selection.
   */
  constructor(io: CommandIo, options: { readonly stage: string; readonly seed: number }) {
    this.#io = io;
    this.#kernel = Kernel.boot({ stages: options.stage, seed: options.seed, layers: netstageLayers });
    this.#shells.push(new ShellSession(this.#kernel, { io }));
  }

  get #shell(): ShellSession {
    return this.#shells[this.#shells.length - 1] as ShellSession;
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
   * ended it with. `ip netns exec NAME bash` (or `sh`) starts a shell inside NAME, as on
   * Linux; its `exit` comes back here.
   */
  line(text: string): number | undefined {
    const enter = /^\s*ip\s+netns\s+exec\s+(\S+)\s+(?:bash|sh)\s*$/.exec(text);
    if (enter !== null) {
      this.#enter(enter[1] as string);
      return undefined;
    }
    try {
      this.#shell.runLine(text);
    } catch (err) {
      if (!(err instanceof Deadlock)) throw err;
      this.#io.err(`netstage: ${err.message}\n`);
    }
    const ended = this.#shell.exitStatus;
    if (ended === undefined || this.#shells.length === 1) return ended;
    this.#leave();
    return undefined;
  }

  /** A nested shell whose task is in namespace `name`. */
  #enter(name: string): void {
    try {
      const task = this.#kernel.netns.exec(name, this.#shell.task);
      this.#shells.push(new ShellSession(this.#kernel, { io: this.#io, task }));
    } catch (err) {
      if (!isNetError(err)) throw err;
      this.#io.err(`${err.detail ?? err.message}\n`);
    }
  }

  #leave(): void {
    const inner = this.#shells.pop();
    if (inner === undefined) return;
    inner.close();
    if (inner.task.alive) inner.task.exit();
  }

  /** The status of the last command. */
  get status(): number {
    return this.#shell.status;
  }

  /** End the session: stop background jobs, leave nested shells. */
  close(): void {
    while (this.#shells.length > 1) this.#leave();
    this.#shell.close();
  }
}
