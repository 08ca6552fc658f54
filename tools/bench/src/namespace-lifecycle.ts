/**
 * Namespace lifecycle (issue 8 item 1): create N namespaces each with `lo` up, as
 * `ip netns add NAME` followed by `ip -n NAME link set lo up` does (a task joins the
 * namespace, sets `lo` up and exits), then destroy them, as `ip netns del NAME` does
 * (the name's reference goes; the namespace's pernet exits run from the event queue,
 * here drained with `clock.runUntilIdle`). Reports CPU microseconds per create and per
 * destroy, and heap bytes per live namespace from two collected heaps (node with
 * `--expose-gc`). The scale run keeps creating until a target count is alive at once,
 * or until a memory budget says stop.
 *
 * @module
 */

import { getHeapStatistics } from 'node:v8';
import { freemem } from 'node:os';
import type { Kernel } from '@netstage/core-net';
import { LinkControl, netdev } from '@netstage/devices';
import { canCollectGarbage, collectedHeap, cpuMicros as processCpuMicros } from './cpu-time.js';
import { benchKernel } from './topology.js';

/** What one lifecycle run measures. */
export interface NamespaceLifecycleResult {
  /** Namespaces created, then destroyed. */
  readonly count: number;
  /** CPU microseconds per create with `lo` up. */
  readonly createUs: number;
  /** CPU microseconds per destroy, pernet exits included. */
  readonly destroyUs: number;
  /** Heap bytes per live namespace (collected heaps when `global.gc` exists). */
  readonly heapBytesPerNamespace: number;
  /** Whether the heap figure comes from collected heaps. */
  readonly collected: boolean;
}

/** Creates namespaces with `lo` up in one kernel, as `ip netns add` + `ip -n … link set lo up`. */
class NamespaceMaker {
  readonly kernel: Kernel = benchKernel();
  readonly #links = new LinkControl(this.kernel);
  #next = 0;

  /** Create one namespace with `lo` up; returns its name. */
  create(): string {
    const name = `ns${this.#next++}`;
    this.kernel.netns.add(name);
    const ip = this.kernel.netns.exec(name, this.kernel.initTask);
    this.#links.set(ip, 'lo', { up: true });
    ip.exit();
    return name;
  }

  /** Whether `name`'s `lo` is up (a check, outside any timing). */
  loUp(name: string): boolean {
    const net = this.kernel.netns.get(name);
    const lo = net === undefined ? undefined : netdev(this.kernel).byName(net, 'lo');
    return lo?.up === true;
  }
}

/**
 * Create `count` namespaces with `lo` up, then destroy them; one run.
 *
 * @throws Error if a namespace's `lo` is not up or a namespace outlives its destroy.
 * @example
 * ```ts
 * import { namespaceLifecycleBench } from './namespace-lifecycle.js';
 * namespaceLifecycleBench({ count: 100 }).count; // 100
 * ```
 */
export function namespaceLifecycleBench(options: { readonly count: number; readonly cpuMicros?: () => number }): NamespaceLifecycleResult {
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const maker = new NamespaceMaker();
  const { kernel } = maker;
  const names: string[] = [];
  names.length = options.count;
  const heap0 = collectedHeap();
  const t0 = cpuMicros();
  for (let i = 0; i < options.count; i++) names[i] = maker.create();
  kernel.clock.runUntilIdle();
  const t1 = cpuMicros();
  const heap1 = collectedHeap();
  if (!maker.loUp(names[0] ?? '') || !maker.loUp(names[options.count - 1] ?? '')) throw new Error('lo is not up');
  const t2 = cpuMicros();
  for (const name of names) kernel.netns.del(name);
  kernel.clock.runUntilIdle();
  const t3 = cpuMicros();
  if (kernel.netCount !== 1) throw new Error(`${kernel.netCount - 1} namespaces outlived their destroy`);
  return {
    count: options.count,
    createUs: (t1 - t0) / options.count,
    destroyUs: (t3 - t2) / options.count,
    heapBytesPerNamespace: Math.round((heap1 - heap0) / options.count),
    collected: canCollectGarbage(),
  };
}

/** What the scale run reached. */
export interface NamespaceScaleResult {
  /** Namespaces the run meant to have alive at once. */
  readonly target: number;
  /** Namespaces alive at once when it stopped. */
  readonly alive: number;
  /** Why it stopped: the target was reached, or the memory budget. */
  readonly stoppedBy: 'target' | 'heap-budget' | 'free-memory';
  /** CPU seconds spent creating them. */
  readonly cpuSeconds: number;
  /** Heap used by them, from collected heaps, in bytes. */
  readonly heapBytes: number;
  /** `heapBytes / alive`. */
  readonly heapBytesPerNamespace: number;
  /** The process's resident set when they were all alive, in bytes. */
  readonly rssBytes: number;
  /** CPU seconds spent destroying them all again. */
  readonly destroyCpuSeconds: number;
}

/** How the scale run is bounded. */
export interface NamespaceScaleOptions {
  /** Namespaces to have alive at once. */
  readonly target: number;
  /** Namespaces created between two memory checks. */
  readonly chunk?: number;
  /** Stop once the heap passes this fraction of V8's heap limit (default 0.85). */
  readonly heapFraction?: number;
  /** Stop once the machine's free memory falls below this many bytes (default 4 GiB). */
  readonly minFreeBytes?: number;
}

/**
 * The scale run: create namespaces with `lo` up until `target` are alive at once, in
 * chunks, checking memory between chunks so it stops before V8's heap limit or the
 * machine's memory runs out; then destroy them all.
 *
 * @example
 * ```ts
 * import { namespaceScaleRun } from './namespace-lifecycle.js';
 * namespaceScaleRun({ target: 500, chunk: 100 }).alive; // 500
 * ```
 */
export function namespaceScaleRun(options: NamespaceScaleOptions): NamespaceScaleResult {
  const chunk = options.chunk ?? 10_000;
  const heapLimit = getHeapStatistics().heap_size_limit * (options.heapFraction ?? 0.85);
  const minFree = options.minFreeBytes ?? 2 ** 32;
  const maker = new NamespaceMaker();
  const { kernel } = maker;
  const names: string[] = [];
  const heap0 = collectedHeap();
  let stoppedBy: NamespaceScaleResult['stoppedBy'] = 'target';
  let cpu = 0;
  while (names.length < options.target) {
    const used = process.memoryUsage().heapUsed;
    if (used > heapLimit) {
      stoppedBy = 'heap-budget';
      break;
    }
    if (freemem() < minFree) {
      stoppedBy = 'free-memory';
      break;
    }
    const n = Math.min(chunk, options.target - names.length);
    const t = processCpuMicros();
    for (let i = 0; i < n; i++) names.push(maker.create());
    kernel.clock.runUntilIdle();
    cpu += processCpuMicros() - t;
  }
  const heapBytes = collectedHeap() - heap0;
  const rssBytes = process.memoryUsage().rss;
  if (names.length > 0 && !maker.loUp(names[names.length - 1] ?? '')) throw new Error('lo is not up');
  const alive = kernel.netCount - 1;
  const t = processCpuMicros();
  for (const name of names) kernel.netns.del(name);
  kernel.clock.runUntilIdle();
  const destroyCpu = processCpuMicros() - t;
  return {
    target: options.target,
    alive,
    stoppedBy,
    cpuSeconds: cpu / 1e6,
    heapBytes,
    heapBytesPerNamespace: alive > 0 ? Math.round(heapBytes / alive) : 0,
    rssBytes,
    destroyCpuSeconds: destroyCpu / 1e6,
  };
}
