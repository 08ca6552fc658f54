/**
 * Virtual time: a clock in milliseconds, a FIFO for work due now, and a heap of timers.
 *
 * Same-instant work (a frame crossing a veth, a namespace's deferred cleanup) is a
 * queue push, not a timer; only work due later goes into the heap. Neither path
 * allocates a closure per item: callers pass a function and one argument, kept in
 * parallel ring arrays.
 *
 * @module
 */

/** A unit of deferred work: a function and the one argument it is called with. */
export type Deferred<A> = (arg: A) => void;

/**
 * A pending timer, returned by {@link VirtualClock.setTimer}; cancel it with
 * {@link VirtualClock.cancelTimer}.
 */
export interface Timer {
  /** Virtual time (ms) at which it fires. */
  readonly when: number;
  /** Whether it is still waiting to fire. */
  readonly pending: boolean;
}

class TimerEntry implements Timer {
  pending = true;
  constructor(
    readonly when: number,
    readonly seq: number,
    readonly fn: Deferred<unknown>,
    readonly arg: unknown,
  ) {}
}

function earlier(a: TimerEntry, b: TimerEntry): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}

/**
 * The kernel's virtual clock and event queue.
 *
 * Time only moves when a driver moves it: {@link VirtualClock.advance} for tests and
 * scripts, {@link VirtualClock.runUntilIdle} to drain everything, or the real-time
 * driver of the interactive shell. Library code never reads the wall clock.
 *
 * @remarks
 * Mirrors the role of jiffies plus the timer wheel and workqueues in Linux; ordering is
 * deterministic: FIFO for work posted at one instant, then timers by (time, order set).
 *
 * @example
 * ```ts
 * import { VirtualClock } from '@netstage/core-net';
 * const clock = new VirtualClock();
 * const seen: string[] = [];
 * clock.setTimer(10, (s: string) => seen.push(s), 'timer');
 * clock.post((s: string) => seen.push(s), 'now');
 * clock.advance(5);  // runs 'now'
 * clock.advance(5);  // runs 'timer' at t=10
 * seen;              // ['now', 'timer']
 * clock.now;         // 10
 * ```
 */
export class VirtualClock {
  #now = 0;
  #seq = 0;
  // FIFO ring of (fn, arg) pairs; grows by doubling.
  #fns: (Deferred<unknown> | undefined)[] = new Array<Deferred<unknown> | undefined>(16);
  #args: unknown[] = new Array<unknown>(16);
  #head = 0;
  #size = 0;
  // Binary min-heap of timers ordered by (when, seq).
  #heap: TimerEntry[] = [];
  #cancelled = 0;

  /** Current virtual time in milliseconds since boot. */
  get now(): number {
    return this.#now;
  }

  /** Number of same-instant items waiting in the FIFO. */
  get queued(): number {
    return this.#size;
  }

  /** Number of timers waiting. */
  get timers(): number {
    return this.#heap.length - this.#cancelled;
  }

  /** Whether nothing at all is waiting. */
  get idle(): boolean {
    return this.#size === 0 && this.#peek() === undefined;
  }

  /**
   * Queue `fn(arg)` to run at the current instant, after everything already queued.
   *
   * @example
   * ```ts
   * import { VirtualClock } from '@netstage/core-net';
   * const clock = new VirtualClock();
   * let n = 0;
   * clock.post((k: number) => { n += k; }, 2);
   * clock.runPending();
   * n; // 2
   * ```
   */
  post<A>(fn: Deferred<A>, arg: A): void {
    if (this.#size === this.#fns.length) this.#grow();
    const tail = (this.#head + this.#size) & (this.#fns.length - 1);
    this.#fns[tail] = fn as Deferred<unknown>;
    this.#args[tail] = arg;
    this.#size++;
  }

  /**
   * Run `fn(arg)` once, `delayMs` from now (0 runs after the FIFO drains at this instant).
   *
   * @throws RangeError if `delayMs` is negative or not finite.
   * @example
   * ```ts
   * import { VirtualClock } from '@netstage/core-net';
   * const clock = new VirtualClock();
   * const t = clock.setTimer(1000, () => {}, undefined);
   * t.when; // 1000
   * ```
   */
  setTimer<A>(delayMs: number, fn: Deferred<A>, arg: A): Timer {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new RangeError(`timer delay must be a finite number >= 0, got ${delayMs}`);
    }
    const entry = new TimerEntry(this.#now + delayMs, this.#seq++, fn as Deferred<unknown>, arg);
    this.#push(entry);
    return entry;
  }

  /**
   * Cancel a pending timer; a timer that already fired or was cancelled is left alone.
   *
   * @example
   * ```ts
   * import { VirtualClock } from '@netstage/core-net';
   * const clock = new VirtualClock();
   * let fired = false;
   * const t = clock.setTimer(5, () => { fired = true; }, undefined);
   * clock.cancelTimer(t);
   * clock.advance(10);
   * fired; // false
   * ```
   */
  cancelTimer(timer: Timer): void {
    const entry = timer as TimerEntry;
    if (!entry.pending) return;
    // Lazy deletion: the entry stays in the heap, marked, and is discarded when it
    // reaches the top. Cancelling is O(1), as del_timer is.
    entry.pending = false;
    this.#cancelled++;
  }

  /**
   * When the earliest pending timer fires (virtual ms), or `undefined` when none is
   * pending: what a driver that moves time in jumps (a script runner) asks next.
   *
   * @example
   * ```ts
   * import { VirtualClock } from '@netstage/core-net';
   * const clock = new VirtualClock();
   * clock.setTimer(250, () => undefined, undefined);
   * clock.nextTimerAt; // 250
   * ```
   */
  get nextTimerAt(): number | undefined {
    return this.#peek()?.when;
  }

  /**
   * Run everything due at the current instant: the FIFO (including work it posts) and
   * timers whose time has come. Returns how many items ran.
   */
  runPending(): number {
    return this.#runDue(Infinity);
  }

  /**
   * Move time forward by `ms`, running every item due on the way at its own instant.
   *
   * @throws RangeError if `ms` is negative or not finite.
   */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`cannot advance the clock by ${ms} ms`);
    }
    const until = this.#now + ms;
    let ran = this.runPending();
    for (;;) {
      const top = this.#peek();
      if (top === undefined || top.when > until) break;
      this.#now = top.when;
      ran += this.runPending();
    }
    this.#now = until;
    return ran + this.runPending();
  }

  /**
   * Run until nothing is waiting, jumping the clock to each next timer. Returns how many
   * items ran.
   *
   * @param maxItems - a guard against work that re-arms itself forever (a periodic
   *   timer); exceeding it throws, naming the limit.
   * @throws Error when more than `maxItems` items ran.
   */
  runUntilIdle(maxItems = 10_000_000): number {
    let ran = 0;
    for (;;) {
      ran += this.#runDue(maxItems + 1 - ran);
      if (ran > maxItems) {
        throw new Error(`runUntilIdle: more than ${maxItems} items ran; something re-arms forever`);
      }
      const top = this.#peek();
      if (top === undefined) return ran;
      this.#now = top.when;
    }
  }

  /** Run what is due now, at most `budget` items. */
  #runDue(budget: number): number {
    let ran = 0;
    for (;;) {
      ran += this.#drainFifo(budget - ran);
      if (ran >= budget) return ran;
      const top = this.#peek();
      if (top === undefined || top.when > this.#now) return ran;
      this.#fire(this.#popTimer());
      ran++;
    }
  }

  #drainFifo(limit: number): number {
    let ran = 0;
    while (this.#size > 0 && ran < limit) {
      const i = this.#head;
      const fn = this.#fns[i] as Deferred<unknown>;
      const arg = this.#args[i];
      this.#fns[i] = undefined;
      this.#args[i] = undefined;
      this.#head = (i + 1) & (this.#fns.length - 1);
      this.#size--;
      fn(arg);
      ran++;
    }
    return ran;
  }

  #grow(): void {
    const cap = this.#fns.length;
    const fns = new Array<Deferred<unknown> | undefined>(cap * 2);
    const args = new Array<unknown>(cap * 2);
    for (let k = 0; k < this.#size; k++) {
      const j = (this.#head + k) & (cap - 1);
      fns[k] = this.#fns[j];
      args[k] = this.#args[j];
    }
    this.#fns = fns;
    this.#args = args;
    this.#head = 0;
  }

  #fire(entry: TimerEntry): void {
    entry.pending = false;
    entry.fn(entry.arg);
  }

  /** The earliest pending timer, discarding cancelled ones on the way. */
  #peek(): TimerEntry | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.pending) return top;
      this.#popTimer();
      this.#cancelled--;
    }
  }

  #push(entry: TimerEntry): void {
    this.#heap.push(entry);
    this.#siftUp(this.#heap.length - 1);
  }

  #popTimer(): TimerEntry {
    const heap = this.#heap;
    const top = heap[0] as TimerEntry;
    const last = heap.pop() as TimerEntry;
    if (heap.length > 0) {
      heap[0] = last;
      this.#siftDown(0);
    }
    return top;
  }

  #siftUp(i: number): void {
    const heap = this.#heap;
    const item = heap[i] as TimerEntry;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as TimerEntry;
      if (!earlier(item, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  #siftDown(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i] as TimerEntry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && earlier(heap[r] as TimerEntry, heap[l] as TimerEntry)) c = r;
      const child = heap[c] as TimerEntry;
      if (!earlier(child, item)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = item;
  }
}
