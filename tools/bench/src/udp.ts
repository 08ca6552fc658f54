/**
 * The UDP benchmark of issue 5: 64-byte datagrams from a socket in namespace A to one in
 * namespace B over a veth pair, with some number of other namespaces alive. Reports
 * delivered datagrams per second of CPU time; the figure must not fall as the number of
 * other namespaces grows, because nothing on the per-packet path looks namespaces up.
 *
 * @module
 */

import { Kernel } from '@netstage/core-net';
import { LinkControl, devicesLayer } from '@netstage/devices';
import { InetControl, ipv4Layer, parseIpv4 } from '@netstage/ipv4';
import { UDP, socketLayer, socketsLayer, type UdpSocket } from '@netstage/sockets';

/** What one run measures. */
export interface UdpBenchResult {
  /** Other namespaces alive besides A, B and initNet. */
  readonly others: number;
  /** Datagrams sent. */
  readonly sent: number;
  /** Datagrams the receiving socket read back. */
  readonly delivered: number;
  /** B's `Udp: InDatagrams` after the run. */
  readonly inDatagrams: number;
  /** CPU time of the send-and-receive loop, in milliseconds (user + system). */
  readonly cpuMs: number;
  /** `delivered` per second of `cpuMs`. */
  readonly perCpuSecond: number;
}

/** How a run is shaped. */
export interface UdpBenchOptions {
  /** Other namespaces to create before measuring. */
  readonly others: number;
  /** Datagrams to send. */
  readonly datagrams: number;
  /** Datagrams sent between two drains of the receiver (the receive buffer holds ~270). */
  readonly batch?: number;
  /** Reads CPU time in microseconds; defaults to `process.cpuUsage`. */
  readonly cpuMicros?: () => number;
}

function addr(text: string): number {
  const a = parseIpv4(text);
  if (a === undefined) throw new Error(`bad address ${text}`);
  return a;
}

/**
 * Run the benchmark once.
 *
 * @example
 * ```ts
 * import { udpBench } from './udp.js';
 * const r = udpBench({ others: 10, datagrams: 500 });
 * r.delivered; // 500
 * ```
 */
export function udpBench(options: UdpBenchOptions): UdpBenchResult {
  const batch = options.batch ?? 128;
  const cpuMicros =
    options.cpuMicros ??
    ((): number => {
      const u = process.cpuUsage();
      return u.user + u.system;
    });
  const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
  const links = new LinkControl(kernel);
  const inet = new InetControl(kernel);
  for (let i = 0; i < options.others; i++) kernel.netns.add(`bench-other-${i}`);
  kernel.netns.add('bench-a');
  kernel.netns.add('bench-b');
  const a = kernel.netns.exec('bench-a', kernel.initTask);
  const b = kernel.netns.exec('bench-b', kernel.initTask);
  const fdB = kernel.netns.open('bench-b', a);
  links.add(a, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd: fdB } } });
  a.close(fdB);
  inet.addAddress(a, 'veth0', { local: addr('10.200.0.1'), prefixLen: 24 });
  inet.addAddress(b, 'veth1', { local: addr('10.200.0.2'), prefixLen: 24 });
  links.set(a, 'veth0', { up: true });
  links.set(b, 'veth1', { up: true });
  kernel.clock.runUntilIdle();

  const sockets = socketLayer(kernel);
  const rx = sockets.fdSocket(b, sockets.socket(b, 'inet', 'dgram')) as UdpSocket;
  rx.bind({ address: 0, port: 4000 });
  const tx = sockets.fdSocket(a, sockets.socket(a, 'inet', 'dgram')) as UdpSocket;
  tx.connect({ address: addr('10.200.0.2'), port: 4000 });
  const payload = new Uint8Array(64).fill(0x5a);

  // One datagram first, so ARP has resolved before the clock starts.
  tx.send(payload);
  kernel.clock.runUntilIdle();
  rx.recv();

  // Start from a collected heap (when node runs with --expose-gc), so a row does not pay
  // for the garbage of building its namespaces.
  (globalThis as { gc?: () => void }).gc?.();
  let delivered = 0;
  const start = cpuMicros();
  for (let sent = 0; sent < options.datagrams; ) {
    const n = Math.min(batch, options.datagrams - sent);
    for (let i = 0; i < n; i++) tx.send(payload);
    sent += n;
    kernel.clock.runUntilIdle();
    while (rx.queueLength > 0) {
      rx.recv();
      delivered++;
    }
  }
  const cpuMs = (cpuMicros() - start) / 1000;
  const inDatagrams = b.net.state(UDP).get('InDatagrams') - 1;
  return {
    others: options.others,
    sent: options.datagrams,
    delivered,
    inDatagrams,
    cpuMs,
    perCpuSecond: cpuMs > 0 ? Math.round(delivered / (cpuMs / 1000)) : Infinity,
  };
}
