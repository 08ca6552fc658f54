/**
 * UDP throughput (issue 5, issue 8 item 2): 64-byte datagrams from a connected socket in
 * namespace A to a bound socket in namespace B, either over one veth pair with some
 * number of other namespaces alive, or through a router namespace that forwards them
 * (h1 — r — h2). Reports delivered datagrams per second of CPU time; over veth the figure
 * must not fall as the number of other namespaces grows, because nothing on the
 * per-packet path looks namespaces up.
 *
 * The measured loop runs only same-instant work (`clock.runPending`): the virtual clock
 * stands still, as a real run of these datagrams (a few seconds) stays inside the
 * neighbour entry's reachable time. `runUntilIdle` would jump the clock to every pending
 * timer between batches, so the entry would go stale and be probed again and again —
 * ARP traffic a steady stream on a real link does not have.
 *
 * @module
 */

import { UDP } from '@netstage/sockets';
import { cpuMicros as processCpuMicros, collectedHeap, perCpuSecond } from './cpu-time.js';
import { benchKernel, routedPath, udpSocket, vethPair } from './topology.js';

/** What one run measures. */
export interface UdpBenchResult {
  /** Other namespaces alive besides A, B and initNet. */
  readonly others: number;
  /** The path the datagrams took. */
  readonly path: 'veth' | 'router';
  /** Datagrams sent. */
  readonly sent: number;
  /** Datagrams the receiving socket read back. */
  readonly delivered: number;
  /** The receiver's `Udp: InDatagrams` for the measured datagrams. */
  readonly inDatagrams: number;
  /** CPU time of the send-and-receive loop, in milliseconds (user + system). */
  readonly cpuMs: number;
  /** `delivered` per second of `cpuMs`. */
  readonly perCpuSecond: number;
}

/** How a run is shaped. */
export interface UdpBenchOptions {
  /** Other namespaces to create before measuring (veth path only). */
  readonly others: number;
  /** Datagrams to send. */
  readonly datagrams: number;
  /** `veth` (A — B, the default) or `router` (h1 — r — h2, r forwarding). */
  readonly path?: 'veth' | 'router';
  /** Datagrams sent between two drains of the receiver (the receive buffer holds ~270). */
  readonly batch?: number;
  /** Reads CPU time in microseconds; defaults to `process.cpuUsage`. */
  readonly cpuMicros?: () => number;
}

/**
 * Run the benchmark once.
 *
 * @example
 * ```ts
 * import { udpBench } from './udp.js';
 * udpBench({ others: 10, datagrams: 500 }).delivered; // 500
 * udpBench({ others: 0, datagrams: 500, path: 'router' }).delivered; // 500
 * ```
 */
export function udpBench(options: UdpBenchOptions): UdpBenchResult {
  const batch = options.batch ?? 128;
  const path = options.path ?? 'veth';
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const kernel = benchKernel();
  let from, to;
  if (path === 'veth') {
    const { a, b } = vethPair(kernel, options.others);
    from = a;
    to = b;
  } else {
    const { h1, h2 } = routedPath(kernel);
    from = h1;
    to = h2;
  }
  const rx = udpSocket(kernel, to, { port: 4000 });
  const tx = udpSocket(kernel, from, { to: { address: to.address, port: 4000 } });
  const payload = new Uint8Array(64).fill(0x5a);

  // One datagram first, so ARP has resolved before the clock starts.
  tx.send(payload);
  kernel.clock.runUntilIdle();
  rx.recv();
  const before = to.net.state(UDP).get('InDatagrams');

  // Start from a collected heap (when node runs with --expose-gc), so a run does not pay
  // for the garbage of building its namespaces.
  collectedHeap();
  let delivered = 0;
  const start = cpuMicros();
  for (let sent = 0; sent < options.datagrams; ) {
    const n = Math.min(batch, options.datagrams - sent);
    for (let i = 0; i < n; i++) tx.send(payload);
    sent += n;
    kernel.clock.runPending();
    while (rx.queueLength > 0) {
      rx.recv();
      delivered++;
    }
  }
  const cpuMs = (cpuMicros() - start) / 1000;
  return {
    others: path === 'veth' ? options.others : 0,
    path,
    sent: options.datagrams,
    delivered,
    inDatagrams: to.net.state(UDP).get('InDatagrams') - before,
    cpuMs,
    perCpuSecond: perCpuSecond(delivered, cpuMs),
  };
}
