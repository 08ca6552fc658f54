/**
 * CPU time and heap readings the benchmarks share: figures are in CPU time
 * (`process.cpuUsage`, user + system), so a busy machine disturbs them less than wall
 * time would, and heap figures start from a collected heap when node runs with
 * `--expose-gc`.
 *
 * @module
 */

/**
 * Microseconds of CPU time this process has used (user + system).
 *
 * @example
 * ```ts
 * import { cpuMicros } from './cpu-time.js';
 * const t = cpuMicros();
 * cpuMicros() >= t; // true
 * ```
 */
export function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Whether `global.gc` is there (node started with `--expose-gc`), so heap figures can be
 * taken from a collected heap.
 *
 * @example
 * ```ts
 * import { canCollectGarbage } from './cpu-time.js';
 * typeof canCollectGarbage(); // 'boolean'
 * ```
 */
export function canCollectGarbage(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === 'function';
}

/**
 * Run a full garbage collection when node allows it, then return `heapUsed` in bytes.
 *
 * @example
 * ```ts
 * import { collectedHeap } from './cpu-time.js';
 * collectedHeap() > 0; // true
 * ```
 */
export function collectedHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc(); // a second pass catches what the first one's finalisation freed
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Run `measure` `runs` times and keep the result with the lowest `cost` (the best of N:
 * the run the rest of the machine disturbed least).
 *
 * @example
 * ```ts
 * import { bestOf } from './cpu-time.js';
 * let i = 0;
 * bestOf(3, () => [5, 2, 9][i++] ?? 0, (x) => x); // 2
 * ```
 */
export function bestOf<T>(runs: number, measure: () => T, cost: (result: T) => number): T {
  let best = measure();
  for (let i = 1; i < runs; i++) {
    const r = measure();
    if (cost(r) < cost(best)) best = r;
  }
  return best;
}

/**
 * `count` events in `cpuMs` milliseconds, as events per CPU-second (rounded; Infinity when
 * the clock did not move).
 *
 * @example
 * ```ts
 * import { perCpuSecond } from './cpu-time.js';
 * perCpuSecond(500, 250); // 2000
 * ```
 */
export function perCpuSecond(count: number, cpuMs: number): number {
  return cpuMs > 0 ? Math.round(count / (cpuMs / 1000)) : Infinity;
}
