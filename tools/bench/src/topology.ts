/**
 * The networks the benchmarks build, each as `ip` would: namespaces from `ip netns add`,
 * veth pairs from `ip link add … type veth peer … netns …`, addresses, routes and links
 * up, then the clock run until the work of bringing them up is done.
 *
 * @module
 */

import { Kernel, type Net, type Task } from '@netstage/core-net';
import { LinkControl, devicesLayer } from '@netstage/devices';
import { InetControl, ipv4, ipv4Layer, parseIpv4 } from '@netstage/ipv4';
import { socketLayer, socketsLayer, type UdpSocket } from '@netstage/sockets';

/** A namespace the benchmark acts in: a task that has joined it, and its address. */
export interface BenchHost {
  /** A task in the namespace (as `ip netns exec NAME` makes). */
  readonly task: Task;
  /** The namespace. */
  readonly net: Net;
  /** Its address on the benchmark's link, host order. */
  readonly address: number;
}

/**
 * A kernel with the layers the packet paths need (devices, ipv4, sockets); procfs adds
 * no per-namespace state, so it is left out.
 *
 * @example
 * ```ts
 * import { benchKernel } from './topology.js';
 * benchKernel().netCount; // 1
 * ```
 */
export function benchKernel(): Kernel {
  return Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
}

/**
 * An IPv4 address from dotted-quad text, host order.
 *
 * @throws Error for text that is not an address (a benchmark's own constant).
 * @example
 * ```ts
 * import { addressOf } from './topology.js';
 * addressOf('10.0.0.1'); // 167772161
 * ```
 */
export function addressOf(text: string): number {
  const a = parseIpv4(text);
  if (a === undefined) throw new Error(`bad address ${text}`);
  return a;
}

/**
 * Join namespace `left` to `right` with a veth pair (`leftDev` in `left`, `rightDev` in
 * `right`), address both ends in one /24 and set both up.
 */
function vethLink(kernel: Kernel, left: Task, leftDev: string, leftAddr: number, rightName: string, right: Task, rightDev: string, rightAddr: number): void {
  const links = new LinkControl(kernel);
  const inet = new InetControl(kernel);
  const fd = kernel.netns.open(rightName, left);
  links.add(left, { kind: 'veth', name: leftDev, peer: { name: rightDev, netns: { fd } } });
  left.close(fd);
  inet.addAddress(left, leftDev, { local: leftAddr, prefixLen: 24 });
  inet.addAddress(right, rightDev, { local: rightAddr, prefixLen: 24 });
  links.set(left, leftDev, { up: true });
  links.set(right, rightDev, { up: true });
}

function host(kernel: Kernel, name: string, address: string): BenchHost {
  const net = kernel.netns.add(name);
  const task = kernel.netns.exec(name, kernel.initTask);
  return { task, net, address: addressOf(address) };
}

/**
 * Namespaces A (10.200.0.1) and B (10.200.0.2) joined by a veth pair, after `others`
 * idle namespaces have been created.
 *
 * @example
 * ```ts
 * import { benchKernel, vethPair } from './topology.js';
 * const kernel = benchKernel();
 * const { a, b } = vethPair(kernel, 2);
 * kernel.netCount; // 5
 * a.address < b.address; // true
 * ```
 */
export function vethPair(kernel: Kernel, others: number): { readonly a: BenchHost; readonly b: BenchHost } {
  for (let i = 0; i < others; i++) kernel.netns.add(`bench-other-${i}`);
  const a = host(kernel, 'bench-a', '10.200.0.1');
  const b = host(kernel, 'bench-b', '10.200.0.2');
  vethLink(kernel, a.task, 'veth0', a.address, 'bench-b', b.task, 'veth1', b.address);
  kernel.clock.runUntilIdle();
  return { a, b };
}

/**
 * Hosts h1 (10.1.0.2) and h2 (10.2.0.2), each joined by a veth pair to router r
 * (10.1.0.1, 10.2.0.1) with `ip_forward` on, and a default route through it.
 *
 * @example
 * ```ts
 * import { benchKernel, routedPath } from './topology.js';
 * const { h1, h2 } = routedPath(benchKernel());
 * h1.net === h2.net; // false
 * ```
 */
export function routedPath(kernel: Kernel): { readonly h1: BenchHost; readonly r: BenchHost; readonly h2: BenchHost } {
  const h1 = host(kernel, 'bench-h1', '10.1.0.2');
  const r = host(kernel, 'bench-r', '10.1.0.1');
  const h2 = host(kernel, 'bench-h2', '10.2.0.2');
  ipv4(kernel).setIpForward(r.net, 1); // sysctl -w net.ipv4.ip_forward=1, before the links exist
  vethLink(kernel, h1.task, 'eth0', h1.address, 'bench-r', r.task, 'r1', r.address);
  vethLink(kernel, r.task, 'r2', addressOf('10.2.0.1'), 'bench-h2', h2.task, 'eth0', h2.address);
  const inet = new InetControl(kernel);
  inet.addRoute(h1.task, { dst: 0, prefixLen: 0, gateway: r.address });
  inet.addRoute(h2.task, { dst: 0, prefixLen: 0, gateway: addressOf('10.2.0.1') });
  kernel.clock.runUntilIdle();
  return { h1, r, h2 };
}

/**
 * A UDP socket in `host`'s namespace: bound to `port` when one is given, else
 * connected to `to` (autobound), as a Node `dgram` client would be.
 *
 * @example
 * ```ts
 * import { benchKernel, udpSocket, vethPair } from './topology.js';
 * const kernel = benchKernel();
 * const { a, b } = vethPair(kernel, 0);
 * udpSocket(kernel, b, { port: 4000 }).local.port; // 4000
 * udpSocket(kernel, a, { to: { address: b.address, port: 4000 } }).connected; // true
 * ```
 */
export function udpSocket(
  kernel: Kernel,
  host: BenchHost,
  how: { readonly port: number } | { readonly to: { readonly address: number; readonly port: number } },
): UdpSocket {
  const layer = socketLayer(kernel);
  const s = layer.fdSocket(host.task, layer.socket(host.task, 'inet', 'dgram')) as UdpSocket;
  if ('port' in how) s.bind({ address: 0, port: how.port });
  else s.connect(how.to);
  return s;
}
