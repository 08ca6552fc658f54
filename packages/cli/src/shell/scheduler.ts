/**
 * The shell's process scheduler: steps every runnable process, runs the kernel's
 * same-instant work after each step, and moves the virtual clock to the next instant
 * something can happen when every process waits.
 *
 * @module
 */

import type { Kernel } from '@netstage/core-net';
import type { Proc, Wait } from './process.js';

/** A process the scheduler runs, and how it ended. */
export interface Job {
  /** Whether it has returned. */
  readonly done: boolean;
  /** Its exit status once done (0 before). */
  readonly status: number;
}

class Entry implements Job {
  done = false;
  status = 0;
  wait: Wait | undefined;
  constructor(
    readonly proc: Proc,
    readonly onExit: ((status: number) => void) | undefined,
  ) {}
}

/**
 * Raised when every process waits for something that no event can bring (a `nc -l`
 * that nothing sends to, with nothing else running), after `horizonMs` of virtual time
 * without progress.
 */
export class Deadlock extends Error {
  constructor(readonly waitedMs: number) {
    super(`every process is waiting and nothing can wake them (waited ${waitedMs / 1000} s of virtual time)`);
    this.name = 'Deadlock';
  }
}

/**
 * Runs processes in virtual time.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { Scheduler, sleep } from '@netstage/cli';
 * const kernel = Kernel.boot();
 * const s = new Scheduler(kernel);
 * const job = s.spawn((function* () { yield* sleep({ kernel }, 1500); return 3; })());
 * s.run(() => job.done);
 * [job.status, kernel.clock.now]; // [3, 1500]
 * ```
 */
export class Scheduler {
  readonly #kernel: Kernel;
  #entries: Entry[] = [];

  /** A scheduler over `kernel`'s clock. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  /** How many processes are still running. */
  get running(): number {
    return this.#entries.length;
  }

  /** Start a process; `onExit` is called with its status when it returns. */
  spawn(proc: Proc, onExit?: (status: number) => void): Job {
    const e = new Entry(proc, onExit);
    this.#entries.push(e);
    return e;
  }

  /**
   * Step processes and move time until `until()` holds.
   *
   * @param horizonMs - how much virtual time may pass with no process able to run
   *   before giving up (kernel timers alone keep time moving).
   * @throws Deadlock when that much time passed without a process waking.
   */
  run(until: () => boolean, horizonMs = 3_600_000): void {
    const clock = this.#kernel.clock;
    let idleSince = clock.now;
    for (;;) {
      clock.runPending();
      let progressed = false;
      for (const e of [...this.#entries]) {
        if (e.done || !this.#runnable(e)) continue;
        progressed = true;
        const r = e.proc.next();
        clock.runPending();
        if (r.done === true) {
          e.done = true;
          e.status = r.value;
          this.#entries = this.#entries.filter((x) => x !== e);
          e.onExit?.(r.value);
        } else {
          e.wait = r.value;
        }
      }
      if (until()) return;
      if (progressed) {
        idleSince = clock.now;
        continue;
      }
      // Nobody else can run now: wake the processes that waited for exactly that.
      const idlers = this.#entries.filter((e) => e.wait?.idle === true);
      if (idlers.length > 0) {
        for (const e of idlers) e.wait = undefined;
        continue;
      }
      let next = clock.nextTimerAt;
      for (const e of this.#entries) {
        const u = e.wait?.until;
        if (u !== undefined && (next === undefined || u < next)) next = u;
      }
      if (next === undefined || next - idleSince > horizonMs) throw new Deadlock(clock.now - idleSince);
      clock.advance(Math.max(0, next - clock.now));
    }
  }

  #runnable(e: Entry): boolean {
    const w = e.wait;
    if (w === undefined) return true;
    if (w.idle === true) return false;
    if (w.until === undefined && w.ready === undefined) return true;
    if (w.until !== undefined && this.#kernel.clock.now >= w.until) return true;
    return w.ready?.() === true;
  }
}
