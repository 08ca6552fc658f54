/**
 * The address and route control surface: what rtnetlink's `RTM_*ADDR` and `RTM_*ROUTE`
 * do, as a typed API that `ip addr` and `ip route` will sit on.
 *
 * @module
 */

import { NetError, type Kernel, type Net, type Stage, type Task } from '@netstage/core-net';
import { netdev, type NetDevice } from '@netstage/devices';
import { RT_TABLE, type Route, type RouteProtocol, type RouteType } from './fib.js';
import { ipv4, type AddrSpec, type IfAddr, type Ipv4, type RouteResult } from './inet.js';
import type { Neighbour } from './neigh.js';
import { ipv4Stack } from './stack.js';
import { IPV4_STAGES } from './stages.js';

/** A route request naming its device by name, as `ip route` does. */
export interface RouteRequest {
  readonly dst: number;
  readonly prefixLen: number;
  readonly type?: RouteType;
  readonly table?: number;
  readonly dev?: string;
  readonly gateway?: number;
  readonly metric?: number;
  readonly prefsrc?: number;
  readonly tos?: number;
  readonly scope?: number;
  /** Who made it (`proto`); `boot` unless given. */
  readonly protocol?: RouteProtocol;
}

/** One device's addresses, as an address dump reports them. */
export interface AddrInfo {
  readonly dev: NetDevice;
  readonly addrs: readonly IfAddr[];
}

/**
 * `ip addr`, `ip route` and `ip neigh` for one kernel. Every call names the calling task: its
 * namespace is the one the request is about.
 *
 * Fences (reference §2.1): ECONNREFUSED before `rtnl-netns-socket`; address changes
 * EINVAL and dumps empty before `ipv4-addr-methods`; route changes EINVAL and dumps
 * empty before `fib-route-methods`; route lookups EINVAL before `ipv4-route-get`;
 * neighbour changes EINVAL and dumps empty before `neigh-per-ns`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl, devicesLayer } from '@netstage/devices';
 * import { InetControl, ipv4Layer, parseIpv4 } from '@netstage/ipv4';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
 * const sh = kernel.initTask;
 * new LinkControl(kernel).add(sh, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
 * new LinkControl(kernel).set(sh, 'v0', { up: true });
 * new LinkControl(kernel).set(sh, 'v1', { up: true });
 * const inet = new InetControl(kernel);
 * inet.addAddress(sh, 'v0', { local: parseIpv4('10.200.0.1') ?? 0, prefixLen: 24 });
 * inet.routeGet(sh, parseIpv4('10.200.0.2') ?? 0).dev?.name; // 'v0'
 * ```
 */
export class InetControl {
  readonly #kernel: Kernel;
  readonly #ip: Ipv4;
  readonly #socket: Stage;
  readonly #addrMethods: Stage;
  readonly #routeMethods: Stage;
  readonly #routeGet: Stage;
  readonly #neigh: Stage;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#ip = ipv4(kernel);
    const m = kernel.manifest;
    this.#socket = m.stage('rtnl-netns-socket');
    this.#addrMethods = m.stage(IPV4_STAGES.addrMethods);
    this.#routeMethods = m.stage(IPV4_STAGES.routeMethods);
    this.#routeGet = m.stage(IPV4_STAGES.routeGet);
    this.#neigh = m.stage(IPV4_STAGES.neigh);
  }

  // -- addresses -------------------------------------------------------------------

  /**
   * `ip addr add`.
   *
   * @throws NetError ECONNREFUSED / EINVAL from the fences; ENODEV `Cannot find device`;
   *   what `Ipv4.checkAddress` throws.
   */
  addAddress(task: Task, devName: string, spec: AddrSpec): IfAddr {
    const net = this.#doit(task, this.#addrMethods);
    return this.#ip.addAddress(this.#device(net, devName), spec);
  }

  /**
   * `ip addr del`.
   *
   * @throws NetError as {@link InetControl.addAddress}; EADDRNOTAVAIL `ipv4: Address
   *   not found`.
   */
  deleteAddress(task: Task, devName: string, local: number, prefixLen?: number): void {
    const net = this.#doit(task, this.#addrMethods);
    const dev = this.#device(net, devName);
    this.#ip.deleteAddress(this.#ip.findAddress(dev, local, prefixLen));
  }

  /** `ip addr flush dev DEV`. @throws NetError as {@link InetControl.addAddress}. */
  flushAddresses(task: Task, devName: string): void {
    const net = this.#doit(task, this.#addrMethods);
    this.#ip.flushAddresses(this.#device(net, devName));
  }

  /**
   * `ip addr show [dev DEV]`: devices in ifindex order with their addresses; empty while
   * the address methods are fenced for the caller.
   *
   * @throws NetError ECONNREFUSED before `rtnl-netns-socket`; ENODEV for a missing device.
   */
  showAddresses(task: Task, devName?: string): AddrInfo[] {
    const net = this.#socketNet(task);
    if (!this.#kernel.stages.gate(this.#addrMethods, net)) return [];
    const devs = devName === undefined ? netdev(this.#kernel).devices(net) : [this.#device(net, devName)];
    return devs.map((dev) => ({ dev, addrs: [...this.#ip.addresses(dev)] }));
  }

  // -- routes ----------------------------------------------------------------------

  /**
   * `ip route add` / `ip route replace`.
   *
   * @throws NetError the fences; ENODEV; what `Ipv4.checkRoute` throws; EEXIST.
   */
  addRoute(task: Task, req: RouteRequest, mode: 'add' | 'replace' = 'add'): Route {
    const net = this.#doit(task, this.#routeMethods);
    const dev = req.dev === undefined ? undefined : this.#device(net, req.dev);
    const { dev: _name, ...rest } = req;
    return this.#ip.addRoute(net, { ...rest, ...(dev === undefined ? {} : { dev }) }, mode);
  }

  /**
   * `ip route del`.
   *
   * @throws NetError the fences; ENODEV; ESRCH when no route matches.
   */
  deleteRoute(task: Task, req: RouteRequest): Route {
    const net = this.#doit(task, this.#routeMethods);
    const dev = req.dev === undefined ? undefined : this.#device(net, req.dev);
    const { dev: _name, ...rest } = req;
    return this.#ip.deleteRoute(net, { ...rest, ...(dev === undefined ? {} : { dev }) });
  }

  /**
   * `ip route show [table ID|all]` (default main; `all` lists main before local). A
   * missing main table is an empty listing — the kernel answers ENOENT, iproute2 hides
   * it — and another missing table is ENOENT `ipv4: FIB table does not exist`.
   * Empty while route methods are fenced for the caller.
   *
   * @throws NetError ECONNREFUSED; ENOENT.
   */
  showRoutes(task: Task, table: number | 'all' = RT_TABLE.MAIN): Route[] {
    const net = this.#socketNet(task);
    if (!this.#kernel.stages.gate(this.#routeMethods, net)) return [];
    const fib = this.#ip.fib(net);
    if (table === 'all') {
      return (fib?.all() ?? []).flatMap((t) => t.routes());
    }
    const t = fib?.get(table);
    if (t === undefined) {
      if (table === RT_TABLE.MAIN) return [];
      throw new NetError('ENOENT', { extack: 'ipv4: FIB table does not exist' });
    }
    return t.routes();
  }

  /**
   * `ip route get ADDR`.
   *
   * @throws NetError the fences (EINVAL before `ipv4-route-get`); what `Ipv4.routeLookup`
   *   throws.
   */
  routeGet(task: Task, dst: number): RouteResult {
    const net = this.#doit(task, this.#routeGet);
    return this.#ip.routeLookup(net, dst);
  }

  // -- neighbours --------------------------------------------------------------------

  /**
   * `ip neigh show [dev DEV]`: entries device by device; empty while the neighbour
   * methods are fenced for the caller.
   *
   * @throws NetError ECONNREFUSED; ENODEV for a missing device.
   */
  showNeighbours(task: Task, devName?: string): Neighbour[] {
    const net = this.#socketNet(task);
    if (!this.#kernel.stages.gate(this.#neigh, net)) return [];
    const stack = ipv4Stack(this.#kernel);
    if (devName === undefined) return stack.neighbourEntries(net);
    const dev = this.#device(net, devName);
    return stack.neighbourEntries(net).filter((n) => n.dev === dev);
  }

  /**
   * `ip neigh add ADDR lladdr MAC dev DEV [nud STATE]`.
   *
   * @throws NetError the fences; ENODEV; EEXIST for an existing entry.
   */
  addNeighbour(task: Task, devName: string, ip: number, mac: number, state?: 'PERMANENT' | 'REACHABLE' | 'STALE'): void {
    const net = this.#doit(task, this.#neigh);
    ipv4Stack(this.#kernel).addNeighbour(this.#device(net, devName), ip, mac, state);
  }

  /**
   * `ip neigh del ADDR dev DEV`.
   *
   * @throws NetError the fences; ENODEV; ENOENT for a missing entry.
   */
  deleteNeighbour(task: Task, devName: string, ip: number): void {
    const net = this.#doit(task, this.#neigh);
    ipv4Stack(this.#kernel).deleteNeighbour(this.#device(net, devName), ip);
  }

  /** `ip neigh flush [dev DEV]`. @throws NetError the fences; ENODEV. */
  flushNeighbours(task: Task, devName?: string): number {
    const net = this.#doit(task, this.#neigh);
    return ipv4Stack(this.#kernel).flushNeighbours(net, devName === undefined ? undefined : this.#device(net, devName));
  }

  #socketNet(task: Task): Net {
    const net = task.net;
    if (!this.#kernel.stages.gate(this.#socket, net)) throw new NetError('ECONNREFUSED', { syscall: 'sendmsg' });
    return net;
  }

  #doit(task: Task, methods: Stage): Net {
    const net = this.#socketNet(task);
    if (!this.#kernel.stages.gate(methods, net)) throw new NetError('EINVAL');
    return net;
  }

  #device(net: Net, name: string): NetDevice {
    const dev = netdev(this.#kernel).byName(net, name);
    if (dev === undefined) throw new NetError('ENODEV', { detail: `Cannot find device "${name}"` });
    return dev;
  }
}
