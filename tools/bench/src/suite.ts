/**
 * The suite of issue 8: every benchmark run in one process, one line of figures each
 * (with the real kernel's figure and the ratio when the kernel rows can run), then the
 * table of issue 8's targets, met or not, and the whole report as JSON.
 *
 * @module
 */

import { availableParallelism, cpus } from 'node:os';
import { canCollectGarbage, bestOf } from './cpu-time.js';
import { floorBench } from './floor.js';
import { kernelAvailable, kernelNetnsLifecycle, kernelPingRoundTrips, kernelUdpRoundTrips, kernelUdpThroughput } from './kernel.js';
import { namespaceLifecycleBench, namespaceScaleRun } from './namespace-lifecycle.js';
import { pingBench } from './ping.js';
import { udpRoundTripsBench } from './udp-round-trips.js';
import { udpBench } from './udp.js';

/** One benchmark's figures. */
export interface BenchRow {
  /** A stable key: `namespace-lifecycle-1000`, `udp-veth`, … */
  readonly id: string;
  /** What it measures, in words. */
  readonly title: string;
  /** netstage's figures, by name (units in the name: `Us`, `Bytes`, `perCpuSecond`). */
  readonly figures: Readonly<Record<string, number>>;
  /** The real kernel's figures from the same run, when measured. */
  readonly kernel?: Readonly<Record<string, number>> | undefined;
  /** Why the kernel's figures are missing, when they are. */
  readonly kernelNote?: string | undefined;
  /** How netstage compares with the kernel: for rates netstage/kernel, for times kernel/netstage. */
  readonly ratioToKernel?: number | undefined;
  /** For packet rows: the figure as a fraction of the floor's. */
  readonly fractionOfFloor?: number | undefined;
}

/** One target of issue 8 and whether this run met it. */
export interface TargetRow {
  /** The figure, as issue 8 names it. */
  readonly figure: string;
  /** The target, as issue 8 states it. */
  readonly target: string;
  /** What this run measured, in words and numbers. */
  readonly measured: string;
  /** Met, not met, or not measured in this run. */
  readonly status: 'met' | 'not met' | 'not measured';
}

/** The whole report, as written to JSON. */
export interface SuiteReport {
  /** When it ran (ISO 8601). */
  readonly date: string;
  /** Whether it ran in `--quick` mode (figures mean nothing then). */
  readonly quick: boolean;
  /** The machine and runtime. */
  readonly machine: {
    readonly nproc: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly exposeGc: boolean;
  };
  /** Whether the real kernel's rows were measured. */
  readonly kernelMeasured: boolean;
  /** One per benchmark, in the order run. */
  readonly rows: readonly BenchRow[];
  /** Issue 8's targets. */
  readonly targets: readonly TargetRow[];
}

/** How the suite runs. */
export interface SuiteOptions {
  /** Every benchmark for a fraction of a second: small counts, one run each. */
  readonly quick: boolean;
  /** Measure the real kernel when it can (root, `ip`, `unshare`); default true. */
  readonly kernel?: boolean;
  /** Where each line goes as it is ready; default `console.log`. */
  readonly print?: (line: string) => void;
}

/** Counts and run numbers for a full pass and for `--quick`. */
interface Plan {
  readonly runs: number;
  readonly lifecycle: readonly number[];
  readonly scaleTarget: number;
  readonly idleNamespaces: number;
  readonly datagrams: number;
  readonly floorDatagrams: number;
  readonly roundTrips: number;
  readonly pings: number;
  readonly kernelLifecycle: number;
  readonly kernelDatagrams: number;
  readonly kernelRoundTrips: number;
  readonly kernelPings: number;
}

const fullPlan: Plan = {
  runs: 5,
  lifecycle: [1_000, 100_000],
  scaleTarget: 1_000_000,
  idleNamespaces: 10_000,
  datagrams: 200_000,
  floorDatagrams: 2_000_000,
  roundTrips: 50_000,
  pings: 50_000,
  kernelLifecycle: 200,
  kernelDatagrams: 200_000,
  kernelRoundTrips: 20_000,
  kernelPings: 20_000,
};

const quickPlan: Plan = {
  runs: 1,
  // Not fewer: at ~1.7 KB a namespace, 100 of them are within the heap's own noise
  // between two collections (a run measured -113 B each).
  lifecycle: [1_000, 2_000],
  scaleTarget: 2_000,
  idleNamespaces: 1_000,
  datagrams: 5_000,
  floorDatagrams: 20_000,
  roundTrips: 1_000,
  pings: 1_000,
  kernelLifecycle: 5,
  kernelDatagrams: 2_000,
  kernelRoundTrips: 500,
  kernelPings: 1_000,
};

const rate = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 1): string => n.toFixed(digits);
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KiB`;

/** The kernel's figure, or why there is none. */
type KernelFigure<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly note: string };

/**
 * Run the whole suite and return its report; prints one line per benchmark as it goes,
 * then the targets table.
 *
 * @example
 * ```ts
 * import { runSuite } from './suite.js';
 * const report = runSuite({ quick: true, kernel: false, print: () => {} });
 * report.rows.length > 0; // true
 * ```
 */
export function runSuite(options: SuiteOptions): SuiteReport {
  const plan = options.quick ? quickPlan : fullPlan;
  const print = options.print ?? ((line: string): void => console.log(line));
  const kernelOn = (options.kernel ?? true) && kernelAvailable();
  const kernelWhy = (options.kernel ?? true) ? 'not measured (needs root)' : 'not measured (--no-kernel)';
  const onKernel = <T>(measure: () => T): KernelFigure<T> => {
    if (!kernelOn) return { ok: false, note: kernelWhy };
    try {
      return { ok: true, value: measure() };
    } catch (err) {
      return { ok: false, note: `failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
    }
  };
  const rows: BenchRow[] = [];
  const emit = (row: BenchRow, line: string): void => {
    rows.push(row);
    const k = row.kernelNote !== undefined ? ` | kernel: ${row.kernelNote}` : '';
    print(`${line}${k}`);
  };
  const rateKernelPart = (k: KernelFigure<{ perCpuSecond: number }>, mine: number, unit: string): { kernel?: Record<string, number>; kernelNote?: string; ratioToKernel?: number; text: string } =>
    k.ok
      ? {
          kernel: { perCpuSecond: k.value.perCpuSecond },
          ratioToKernel: mine / k.value.perCpuSecond,
          text: ` | kernel: ${rate(k.value.perCpuSecond)} ${unit}, netstage/kernel ${fixed(mine / k.value.perCpuSecond, 2)}×`,
        }
      : { kernelNote: k.note, text: '' };

  print(`netstage benchmarks${options.quick ? ' (--quick: small counts, figures mean nothing)' : ''}: CPU time, best of ${plan.runs}`);

  // 7. The floor first: every packet row is shown against it.
  floorBench({ datagrams: Math.min(plan.floorDatagrams, 100_000) }); // JIT warm-up
  const floor = bestOf(plan.runs, () => floorBench({ datagrams: plan.floorDatagrams }), (r) => r.cpuMs);
  emit(
    { id: 'floor', title: 'the floor: headers + 64 B written, queued, read back', figures: { perCpuSecond: floor.perCpuSecond } },
    `floor: write Eth+IPv4+UDP headers and 64 B, queue, read back: ${rate(floor.perCpuSecond)} datagrams/CPU-s`,
  );
  const ofFloor = (n: number): number => n / floor.perCpuSecond;

  // 1. Namespace lifecycle.
  const kLife = onKernel(() => kernelNetnsLifecycle({ count: plan.kernelLifecycle }));
  namespaceLifecycleBench({ count: Math.min(1_000, plan.lifecycle[0] ?? 1_000) }); // JIT warm-up
  let heapPerNamespace = 0;
  let lifecycleRatio: number | undefined;
  for (const count of plan.lifecycle) {
    const r = bestOf(count >= 100_000 ? 1 : plan.runs, () => namespaceLifecycleBench({ count }), (x) => x.createUs + x.destroyUs);
    heapPerNamespace = r.heapBytesPerNamespace;
    const ratio = kLife.ok ? (kLife.value.createUs + kLife.value.destroyUs) / (r.createUs + r.destroyUs) : undefined;
    lifecycleRatio = ratio;
    const kText = kLife.ok
      ? ` | kernel (ip netns, ${plan.kernelLifecycle}): create ${fixed(kLife.value.createUs, 0)} µs, destroy ${fixed(kLife.value.destroyUs, 0)} µs; netstage ${fixed(ratio ?? 0, 0)}× faster`
      : '';
    emit(
      {
        id: `namespace-lifecycle-${count}`,
        title: `namespace lifecycle, N = ${count}, lo up`,
        figures: { count, createUs: r.createUs, destroyUs: r.destroyUs, heapBytesPerNamespace: r.heapBytesPerNamespace },
        ...(kLife.ok ? { kernel: { createUs: kLife.value.createUs, destroyUs: kLife.value.destroyUs }, ratioToKernel: ratio } : { kernelNote: kLife.note }),
      },
      `namespace lifecycle N=${rate(count)}, lo up: create ${fixed(r.createUs)} µs, destroy ${fixed(r.destroyUs)} µs (CPU), heap ${rate(r.heapBytesPerNamespace)} B per namespace${r.collected ? '' : ' (heap not collected: run node with --expose-gc)'}${kText}`,
    );
  }

  // 2. UDP datagrams: over veth, with idle namespaces, through a router.
  udpBench({ others: 0, datagrams: Math.min(plan.datagrams, 50_000) }); // JIT warm-up
  udpBench({ others: 0, datagrams: Math.min(plan.datagrams, 50_000), path: 'router' });
  const udp = bestOf(plan.runs, () => udpBench({ others: 0, datagrams: plan.datagrams }), (r) => r.cpuMs);
  const kUdp = onKernel(() => kernelUdpThroughput({ datagrams: plan.kernelDatagrams, size: 64 }));
  const udpK = rateKernelPart(kUdp, udp.perCpuSecond, 'datagrams/CPU-s (Node dgram)');
  emit(
    {
      id: 'udp-veth',
      title: 'UDP 64 B, A -> B over veth',
      figures: { perCpuSecond: udp.perCpuSecond, delivered: udp.delivered },
      fractionOfFloor: ofFloor(udp.perCpuSecond),
      ...(udpK.kernel !== undefined ? { kernel: udpK.kernel, ratioToKernel: udpK.ratioToKernel } : { kernelNote: udpK.kernelNote }),
    },
    `UDP 64 B A->B over veth: ${rate(udp.perCpuSecond)} datagrams/CPU-s (${fixed(ofFloor(udp.perCpuSecond), 2)} of floor)${udpK.text}`,
  );
  const idle = bestOf(plan.runs, () => udpBench({ others: plan.idleNamespaces, datagrams: plan.datagrams }), (r) => r.cpuMs);
  const idleRatio = idle.perCpuSecond / udp.perCpuSecond;
  emit(
    {
      id: 'udp-veth-idle-namespaces',
      title: `UDP 64 B, A -> B over veth, ${plan.idleNamespaces} idle namespaces alive`,
      figures: { perCpuSecond: idle.perCpuSecond, idleNamespaces: plan.idleNamespaces, ratioToSinglePair: idleRatio },
      fractionOfFloor: ofFloor(idle.perCpuSecond),
      kernelNote: 'not applicable (compared with the single pair)',
    },
    `UDP 64 B A->B over veth, ${rate(plan.idleNamespaces)} idle namespaces: ${rate(idle.perCpuSecond)} datagrams/CPU-s (${fixed(ofFloor(idle.perCpuSecond), 2)} of floor), ${fixed(idleRatio, 2)} of the single pair`,
  );
  const routed = bestOf(plan.runs, () => udpBench({ others: 0, datagrams: plan.datagrams, path: 'router' }), (r) => r.cpuMs);
  emit(
    {
      id: 'udp-router',
      title: 'UDP 64 B, h1 -> r -> h2 (forwarding)',
      figures: { perCpuSecond: routed.perCpuSecond, ratioToSinglePair: routed.perCpuSecond / udp.perCpuSecond },
      fractionOfFloor: ofFloor(routed.perCpuSecond),
      kernelNote: 'not measured (no kernel router run)',
    },
    `UDP 64 B h1->r->h2 (forwarding): ${rate(routed.perCpuSecond)} datagrams/CPU-s (${fixed(ofFloor(routed.perCpuSecond), 2)} of floor), ${fixed(routed.perCpuSecond / udp.perCpuSecond, 2)} of the single pair`,
  );

  // 3. UDP request/response.
  udpRoundTripsBench({ roundTrips: Math.min(plan.roundTrips, 5_000) }); // JIT warm-up
  const rr = bestOf(plan.runs, () => udpRoundTripsBench({ roundTrips: plan.roundTrips }), (r) => r.cpuMs);
  const kRr = onKernel(() => kernelUdpRoundTrips({ roundTrips: plan.kernelRoundTrips }));
  const rrK = rateKernelPart(kRr, rr.perCpuSecond, 'round trips/CPU-s (Node dgram)');
  emit(
    {
      id: 'udp-round-trips',
      title: 'UDP request/response, 64 B, A <-> B over veth',
      figures: { perCpuSecond: rr.perCpuSecond, roundTrips: rr.roundTrips },
      fractionOfFloor: ofFloor(2 * rr.perCpuSecond),
      ...(rrK.kernel !== undefined ? { kernel: rrK.kernel, ratioToKernel: rrK.ratioToKernel } : { kernelNote: rrK.kernelNote }),
    },
    `UDP request/response A<->B: ${rate(rr.perCpuSecond)} round trips/CPU-s (${fixed(ofFloor(2 * rr.perCpuSecond), 2)} of floor, two datagrams each)${rrK.text}`,
  );

  // 5. Ping.
  pingBench({ count: Math.min(plan.pings, 5_000) }); // JIT warm-up
  const ping = bestOf(plan.runs, () => pingBench({ count: plan.pings }), (r) => r.cpuMs);
  const kPing = onKernel(() => kernelPingRoundTrips({ count: plan.kernelPings }));
  const pingK = rateKernelPart(kPing, ping.perCpuSecond, 'round trips/CPU-s (ping -i 0)');
  emit(
    {
      id: 'ping',
      title: 'ping, 56 B, A -> B over veth',
      figures: { perCpuSecond: ping.perCpuSecond, replies: ping.replies },
      ...(pingK.kernel !== undefined ? { kernel: pingK.kernel, ratioToKernel: pingK.ratioToKernel } : { kernelNote: pingK.kernelNote }),
    },
    `ping A->B: ${rate(ping.perCpuSecond)} round trips/CPU-s${pingK.text}`,
  );

  // 1 (continued). The scale run, last: it leaves the biggest heap behind.
  const scale = namespaceScaleRun({ target: plan.scaleTarget, chunk: options.quick ? 500 : 10_000 });
  emit(
    {
      id: 'namespace-scale',
      title: `${plan.scaleTarget} namespaces alive at once, lo up`,
      figures: {
        target: scale.target,
        alive: scale.alive,
        cpuSeconds: scale.cpuSeconds,
        heapBytes: scale.heapBytes,
        heapBytesPerNamespace: scale.heapBytesPerNamespace,
        rssBytes: scale.rssBytes,
        destroyCpuSeconds: scale.destroyCpuSeconds,
      },
      kernelNote: 'not applicable',
    },
    `scale: ${rate(scale.alive)} of ${rate(scale.target)} namespaces alive at once (stopped by ${scale.stoppedBy}) in ${fixed(scale.cpuSeconds)} CPU-s; heap ${(scale.heapBytes / 2 ** 20).toFixed(0)} MiB (${rate(scale.heapBytesPerNamespace)} B each), RSS ${(scale.rssBytes / 2 ** 20).toFixed(0)} MiB; destroyed in ${fixed(scale.destroyCpuSeconds)} CPU-s`,
  );

  const targets = targetsOf({
    lifecycleRatio,
    heapPerNamespace,
    scaleAlive: scale.alive,
    scaleTarget: plan.scaleTarget,
    scaleStop: scale.stoppedBy === 'target' ? 'all alive' : `stopped by ${scale.stoppedBy}`,
    udp: udp.perCpuSecond,
    udpRatio: udpK.ratioToKernel,
    idleRatio,
    idleNamespaces: plan.idleNamespaces,
    rrRatio: rrK.ratioToKernel,
    kernelNote: kernelWhy,
  });
  print('');
  for (const line of targetsTable(targets)) print(line);

  return {
    date: new Date().toISOString(),
    quick: options.quick,
    machine: { nproc: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, exposeGc: canCollectGarbage() },
    kernelMeasured: kernelOn,
    rows,
    targets,
  };
}

/** What the targets are judged on. */
interface TargetInputs {
  readonly lifecycleRatio: number | undefined;
  readonly heapPerNamespace: number;
  readonly scaleAlive: number;
  readonly scaleTarget: number;
  readonly scaleStop: string;
  readonly udp: number;
  readonly udpRatio: number | undefined;
  readonly idleRatio: number;
  readonly idleNamespaces: number;
  readonly rrRatio: number | undefined;
  readonly kernelNote: string;
}

function judged(figure: string, target: string, measured: string, met: boolean | undefined): TargetRow {
  return { figure, target, measured, status: met === undefined ? 'not measured' : met ? 'met' : 'not met' };
}

function targetsOf(t: TargetInputs): TargetRow[] {
  const vsKernel = (ratio: number | undefined, unit: string): string => (ratio === undefined ? `kernel ${t.kernelNote}` : `${fixed(ratio, 2)}× ${unit}`);
  return [
    judged('namespace create + destroy, `lo` up', '≥ 50× faster than the kernel', vsKernel(t.lifecycleRatio, 'faster'), t.lifecycleRatio === undefined ? undefined : t.lifecycleRatio >= 50),
    judged('heap per idle namespace with `lo` up', '≤ 2 KiB', `${rate(t.heapPerNamespace)} B (${kib(t.heapPerNamespace)})`, t.heapPerNamespace <= 2048),
    judged(
      'namespaces alive in one process',
      '1,000,000',
      `${rate(t.scaleAlive)} of ${rate(t.scaleTarget)} tried (${t.scaleStop})`,
      t.scaleAlive >= 1_000_000,
    ),
    judged('UDP 64 B across veth', '≥ 1,000,000 datagrams per CPU-second', `${rate(t.udp)} per CPU-second`, t.udp >= 1_000_000),
    judged('UDP 64 B across veth vs kernel', '≥ 10× Node `dgram` over the kernel’s veth', vsKernel(t.udpRatio, 'the kernel'), t.udpRatio === undefined ? undefined : t.udpRatio >= 10),
    judged(`same with ${rate(t.idleNamespaces)} namespaces alive`, '≥ 0.9 of the single-pair figure', `${fixed(t.idleRatio, 2)}`, t.idleRatio >= 0.9),
    judged('UDP request/response', '≥ 20× Node `dgram` round trips over the kernel’s veth', vsKernel(t.rrRatio, 'the kernel'), t.rrRatio === undefined ? undefined : t.rrRatio >= 20),
    judged('TCP bulk', '≥ 5 Gbit per CPU-second', 'no TCP yet', undefined),
    judged('TCP connection setup', '≥ 10× Node `net` over the kernel’s veth', 'no TCP yet', undefined),
  ];
}

/**
 * The targets as a markdown table, one line per row.
 *
 * @example
 * ```ts
 * import { targetsTable } from './suite.js';
 * targetsTable([{ figure: 'f', target: 't', measured: 'm', status: 'met' }])[2]; // '| f | t | m | met |'
 * ```
 */
export function targetsTable(targets: readonly TargetRow[]): string[] {
  return [
    '| figure | target | measured | status |',
    '| --- | --- | --- | --- |',
    ...targets.map((t) => `| ${t.figure} | ${t.target} | ${t.measured} | ${t.status} |`),
  ];
}
