/**
 * The IPv4 core of one kernel: addresses per device (`net/ipv4/devinet.c`), the routing
 * tables and the routes the kernel derives from addresses (`net/ipv4/fib_frontend.c`),
 * user routes, and route lookups.
 *
 * @module
 */

import { NetError, defineKernelKey, defineNetKey, insertedAt, removedAt, type Kernel, type Net, type Stage } from '@netstage/core-net';
import { netdev, type NetDevice, type Netdev } from '@netstage/devices';
import { IPV4_SYSCTLS, type DevConf } from './conf.js';
import { Fib, KernelRoute, RT_SCOPE, RT_TABLE, type FibTable, type Route, type RouteProtocol, type RouteType } from './fib.js';
import { IPV4_STAGES } from './stages.js';

/** One IPv4 address on a device (`struct in_ifaddr`). */
export interface IfAddr {
  /** The device it is on. */
  readonly dev: NetDevice;
  /** The address (`ifa_local`). */
  readonly local: number;
  /** Prefix length. */
  readonly prefixLen: number;
  /** Broadcast address, or 0 for none. */
  readonly broadcast: number;
  /** Scope (`RT_SCOPE_*`). */
  readonly scope: number;
  /** Label, the device name unless given (`eth0:1`). */
  label: string;
  /** Whether it is a secondary of a primary in the same subnet. */
  secondary: boolean;
}

/** No addresses: shared by every device that has none. */
const NO_ADDRS: readonly IfAddr[] = Object.freeze([]);

/**
 * A device's IPv4 state (`struct in_device`): its addresses and its settings, which it
 * carries itself as `in_device` embeds its `ipv4_devconf cnf`: {@link InDevice.conf}
 * is the device object.
 */
export class InDevice implements DevConf {
  /**
   * Addresses: primaries by scope, then secondaries in the order they came. Replaced,
   * never changed in place: each array is exactly as long as the list.
   */
  addrs: readonly IfAddr[] = NO_ADDRS;
  /** `conf/<dev>/forwarding`. */
  forwarding: number;
  /** `conf/<dev>/promote_secondaries`. */
  promoteSecondaries: number;

  constructor(
    /** The device. */
    readonly dev: NetDevice,
    /** `conf/default` when the device appeared: `conf/<dev>` starts as a copy of it. */
    conf: Readonly<DevConf>,
  ) {
    this.forwarding = conf.forwarding;
    this.promoteSecondaries = conf.promoteSecondaries;
  }

  /** `conf/<dev>`: the device's own settings (this object, as `in_device.cnf` is embedded). */
  get conf(): DevConf {
    return this;
  }
}

/** No further devices: shared by every namespace that has at most one. */
const NO_DEVICES: readonly InDevice[] = Object.freeze([]);

/**
 * One namespace's IPv4 device states, in the order the devices got them.
 *
 * The first (`lo` in practice: it registers first in every namespace) has a field of its
 * own, so a namespace with nothing but `lo` keeps no array; the others follow in a short
 * array scanned by identity, and past {@link InetDevices.FEW} devices a map by device
 * answers lookups, so finding a device's state never grows with the number of devices
 * or namespaces.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer, netdev } from '@netstage/devices';
 * import { INET, ipv4Layer } from '@netstage/ipv4';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
 * const inet = kernel.initNet.state(INET);
 * [...inet.values()].map((d) => d.dev.name); // ['lo']
 * const lo = netdev(kernel).loopback(kernel.initNet);
 * if (lo) inet.get(lo)?.conf.forwarding; // 0
 * ```
 */
export class InetDevices {
  /** Past this many devices lookups go through a map. */
  static readonly FEW = 8;

  /** The first device's state; undefined only while there is none. */
  #first: InDevice | undefined;
  /** The states of the devices after the first, in order. */
  #rest: readonly InDevice[] = NO_DEVICES;
  /** Every state by device, past {@link InetDevices.FEW} devices. */
  #byDev: Map<NetDevice, InDevice> | undefined;

  /** How many devices have IPv4 state. */
  get size(): number {
    return (this.#first === undefined ? 0 : 1) + this.#rest.length;
  }

  /** A device's state. */
  get(dev: NetDevice): InDevice | undefined {
    const first = this.#first;
    if (first !== undefined && first.dev === dev) return first;
    if (this.#byDev !== undefined) return this.#byDev.get(dev);
    const rest = this.#rest;
    for (let i = 0; i < rest.length; i++) if ((rest[i] as InDevice).dev === dev) return rest[i];
    return undefined;
  }

  /** Whether a device has state. */
  has(dev: NetDevice): boolean {
    return this.get(dev) !== undefined;
  }

  /** Add a device's state; one it had already is replaced where it stood. */
  add(inDev: InDevice): void {
    const dev = inDev.dev;
    if (this.#first === undefined || this.#first.dev === dev) {
      this.#first = inDev;
    } else {
      const i = this.#rest.findIndex((d) => d.dev === dev);
      this.#rest = i < 0 ? insertedAt(this.#rest, this.#rest.length, inDev) : this.#rest.map((d, j) => (j === i ? inDev : d));
    }
    if (this.#byDev !== undefined) this.#byDev.set(dev, inDev);
    else if (this.size > InetDevices.FEW) this.#byDev = new Map([...this.values()].map((d) => [d.dev, d]));
  }

  /** Remove a device's state; returns whether it had any. */
  delete(dev: NetDevice): boolean {
    if (this.#first?.dev === dev) {
      // The second device becomes the first.
      this.#first = this.#rest[0];
      this.#rest = this.#rest.length <= 1 ? NO_DEVICES : this.#rest.slice(1);
    } else {
      const i = this.#rest.findIndex((d) => d.dev === dev);
      if (i < 0) return false;
      this.#rest = this.#rest.length === 1 ? NO_DEVICES : removedAt(this.#rest, i);
    }
    this.#byDev?.delete(dev);
    if (this.size <= InetDevices.FEW) this.#byDev = undefined;
    return true;
  }

  /** The states, in the order the devices got them. */
  values(): IterableIterator<InDevice> {
    const first = this.#first;
    return (first === undefined ? NO_DEVICES : [first].concat(this.#rest)).values();
  }
}

/** Each namespace's routing tables. */
export const FIB = defineNetKey<Fib>('ipv4-fib', { stage: IPV4_STAGES.fibTables });

/** Each namespace's IPv4 device state. */
export const INET = defineNetKey<InetDevices>('ipv4-inet');

/** The kernel's IPv4 core. */
export const IPV4 = defineKernelKey<Ipv4>('ipv4');

/** What `addAddress` takes. */
export interface AddrSpec {
  readonly local: number;
  readonly prefixLen: number;
  /** Broadcast address; 0 (the default) for none. */
  readonly broadcast?: number;
  /** Scope; default global (0). */
  readonly scope?: number;
  /** Label; default the device's name. */
  readonly label?: string;
}

/** What `addRoute` takes. */
export interface RouteSpec {
  readonly dst: number;
  readonly prefixLen: number;
  readonly type?: RouteType;
  readonly table?: number;
  readonly dev?: NetDevice;
  readonly gateway?: number;
  readonly metric?: number;
  readonly prefsrc?: number;
  readonly tos?: number;
  readonly protocol?: RouteProtocol;
  readonly scope?: number;
}

/** The answer of a route lookup (`ip route get`). */
export interface RouteResult {
  readonly route: Route;
  /** What the destination is: `local`, `broadcast` (a broadcast route, or 255.255.255.255) or `unicast`. */
  readonly type: 'local' | 'broadcast' | 'unicast';
  /** The device packets would leave by (lo for a local destination). */
  readonly dev: NetDevice | undefined;
  /** The source address chosen. */
  readonly src: number;
}

/**
 * The first route for `dst` through the default rules: the local table, then main, then
 * default (`fib_lookup` with no custom rules). Written out rather than looped over an
 * array of ids so the per-packet lookup allocates nothing.
 */
function fibRulesLookup(fib: Fib, dst: number): Route | undefined {
  return fib.get(RT_TABLE.LOCAL)?.lookup(dst) ?? fib.get(RT_TABLE.MAIN)?.lookup(dst) ?? fib.get(RT_TABLE.DEFAULT)?.lookup(dst);
}

/** 224.0.0.1 (all hosts) mapped to Ethernet by `ip_eth_mc_map`: 01:00:5e:00:00:01. */
const MAC_ALL_HOSTS = 0x01005e000001;

function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

function sameSubnet(a: number, b: number, len: number): boolean {
  return ((a ^ b) & maskOf(len)) === 0;
}

/**
 * The IPv4 core of one kernel. Reach it with `ipv4(kernel)`.
 */
export class Ipv4 {
  readonly #kernel: Kernel;
  readonly #core: Netdev;
  readonly #fibStage: Stage;
  readonly #routeStage: Stage;
  readonly #inetStage: Stage;

  /** @internal made by the ipv4 layer. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#core = netdev(kernel);
    const m = kernel.manifest;
    this.#fibStage = m.stage(IPV4_STAGES.fibTables);
    this.#routeStage = m.stage(IPV4_STAGES.routeMethods);
    this.#inetStage = m.stage(IPV4_STAGES.inetdevEvents);
    this.#core.chain.subscribe({ name: 'inetdev', stage: IPV4_STAGES.inetdevEvents, onEvent: (e, dev) => this.#inetdevEvent(e, dev) });
    this.#core.chain.subscribe({ name: 'fib', stage: IPV4_STAGES.routeMethods, onEvent: (e, dev) => this.#fibEvent(e, dev) });
    // register_netdevice_notifier replays NETDEV_REGISTER (and NETDEV_UP for running
    // devices) for the devices that exist already: at boot, initNet's.
    for (const dev of this.#core.devices(kernel.initNet)) {
      this.#inetdevEvent('register', dev);
      if (dev.up) {
        this.#inetdevEvent('up', dev);
        this.#fibEvent('up', dev);
      }
    }
  }

  // -- state ---------------------------------------------------------------------------

  /** A device's IPv4 state, if it has any. */
  inDevice(dev: NetDevice): InDevice | undefined {
    return dev.net.state(INET).get(dev);
  }

  /** A device's addresses, in `ip addr` order. */
  addresses(dev: NetDevice): readonly IfAddr[] {
    return this.inDevice(dev)?.addrs ?? [];
  }

  /**
   * The routing tables of `net`, or undefined where it has none of its own
   * (`fib-tables-per-ns` off, outside initNet).
   */
  fib(net: Net): Fib | undefined {
    if (!net.isInit && !this.#kernel.stages.gate(this.#fibStage, net)) return undefined;
    return net.state(FIB);
  }

  /** An existing table of `net`. */
  table(net: Net, id: number): FibTable | undefined {
    return this.fib(net)?.get(id);
  }

  // -- addresses -------------------------------------------------------------------

  /**
   * Check an address for `dev` and return where it would go (`__inet_insert_ifa`).
   * Changes nothing.
   *
   * @throws NetError EINVAL for a prefix over 32; ENOBUFS for a device without IPv4
   *   state; EEXIST `ipv4: Address already assigned` for the same address in the same
   *   subnet; EINVAL `ipv4: Invalid scope value` for a second address of a subnet with
   *   another scope.
   */
  checkAddress(dev: NetDevice, spec: AddrSpec): { secondary: boolean } {
    if (!Number.isInteger(spec.prefixLen) || spec.prefixLen < 0 || spec.prefixLen > 32) throw new NetError('EINVAL');
    const inDev = this.inDevice(dev);
    if (inDev === undefined) throw new NetError('ENOBUFS');
    const scope = spec.scope ?? RT_SCOPE.UNIVERSE;
    let secondary = false;
    // The duplicate is found before any scope clash (6.18: re-adding an address with
    // another scope says `Address already assigned`).
    if (inDev.addrs.some((a) => a.local === spec.local >>> 0 && a.prefixLen === spec.prefixLen)) {
      throw new NetError('EEXIST', { extack: 'ipv4: Address already assigned' });
    }
    for (const a of inDev.addrs) {
      if (a.prefixLen !== spec.prefixLen || !sameSubnet(a.local, spec.local, spec.prefixLen)) continue;
      if (a.local === spec.local) throw new NetError('EEXIST', { extack: 'ipv4: Address already assigned' });
      if (a.scope !== scope) throw new NetError('EINVAL', { extack: 'ipv4: Invalid scope value' });
      secondary = true;
    }
    return { secondary };
  }

  /** `inet_insert_ifa`: add an address and the routes it brings. @throws as {@link Ipv4.checkAddress}. */
  addAddress(dev: NetDevice, spec: AddrSpec): IfAddr {
    const { secondary } = this.checkAddress(dev, spec);
    const inDev = this.inDevice(dev) as InDevice;
    const ifa: IfAddr = {
      dev,
      local: spec.local >>> 0,
      prefixLen: spec.prefixLen,
      broadcast: (spec.broadcast ?? 0) >>> 0,
      scope: spec.scope ?? RT_SCOPE.UNIVERSE,
      label: spec.label ?? dev.name,
      secondary,
    };
    if (secondary) {
      inDev.addrs = insertedAt(inDev.addrs, inDev.addrs.length, ifa);
    } else {
      // After the last primary whose scope is no wider than this one's.
      let at = 0;
      inDev.addrs.forEach((a, i) => {
        if (!a.secondary && ifa.scope <= a.scope) at = i + 1;
      });
      inDev.addrs = insertedAt(inDev.addrs, at, ifa);
    }
    this.#fibAddIfaddr(ifa);
    this.#rtGenidBump(dev.net);
    return ifa;
  }

  /**
   * Find an address of `dev` for deletion (`inet_rtm_deladdr`): by local address and,
   * when given, prefix length.
   *
   * @throws NetError EADDRNOTAVAIL `ipv4: Address not found`.
   */
  findAddress(dev: NetDevice, local: number, prefixLen?: number): IfAddr {
    const found = this.addresses(dev).find((a) => a.local === local >>> 0 && (prefixLen === undefined || a.prefixLen === prefixLen));
    if (found === undefined) throw new NetError('EADDRNOTAVAIL', { extack: 'ipv4: Address not found' });
    return found;
  }

  /**
   * `__inet_del_ifa`: remove an address and the routes only it needed. Removing a
   * primary removes its secondaries too, unless `promote_secondaries` is set, which
   * promotes the first of them instead.
   */
  deleteAddress(ifa: IfAddr): void {
    const inDev = this.inDevice(ifa.dev);
    if (inDev === undefined || !inDev.addrs.includes(ifa)) return;
    const all = ifa.dev.net.state(IPV4_SYSCTLS).confOf('all');
    const promote = inDev.conf.promoteSecondaries !== 0 || all.promoteSecondaries !== 0;
    const subnet = (a: IfAddr): boolean => a !== ifa && a.prefixLen === ifa.prefixLen && sameSubnet(a.local, ifa.local, ifa.prefixLen);
    const gone: IfAddr[] = [ifa];
    let promoted: IfAddr | undefined;
    if (!ifa.secondary) {
      const secs = inDev.addrs.filter((a) => a.secondary && subnet(a));
      if (promote) promoted = secs[0];
      else gone.push(...secs);
    }
    const routesBefore = this.#kernelRouteSpecs(ifa.dev);
    const kept = inDev.addrs.filter((a) => !gone.includes(a));
    inDev.addrs = kept.length === 0 ? NO_ADDRS : kept.slice();
    if (promoted !== undefined) {
      promoted.secondary = false;
      // A promoted address moves to where its primary was.
      const rest = inDev.addrs.filter((a) => a !== promoted);
      let at = 0;
      rest.forEach((a, i) => {
        if (!a.secondary && promoted.scope <= a.scope) at = i + 1;
      });
      inDev.addrs = insertedAt(rest, at, promoted);
    }
    this.#syncKernelRoutes(ifa.dev, routesBefore);
    this.#rtGenidBump(ifa.dev.net);
  }

  /**
   * The routing generation of `net` (`rt_genid_ipv4`): a route from
   * {@link Ipv4.routeLookup} is still the answer while this number holds — any route
   * added or removed, or address added or deleted, in `net` moves it on. -1 while `net`'s
   * tables are not open to it (nothing may be cached then). Asks no stage gate.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4, ipv4Layer } from '@netstage/ipv4';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
   * const ip = ipv4(kernel);
   * const before = ip.routeGeneration(kernel.initNet);
   * ip.addRoute(kernel.initNet, { dst: 0x0a000000, prefixLen: 8, type: 'blackhole' });
   * ip.routeGeneration(kernel.initNet) > before; // true
   * ```
   */
  routeGeneration(net: Net): number {
    if (!net.isInit && !this.#kernel.stages.isOn(this.#fibStage)) return -1;
    return net.state(FIB).genid;
  }

  /** `rt_cache_flush`: cached routes of `net` are stale (its addresses changed). */
  #rtGenidBump(net: Net): void {
    if (net.isInit || this.#kernel.stages.isOn(this.#fibStage)) net.state(FIB).genid++;
  }

  /** Remove every address of a device. */
  flushAddresses(dev: NetDevice): void {
    for (;;) {
      const a = this.addresses(dev)[0];
      if (a === undefined) return;
      this.deleteAddress(a);
    }
  }

  // -- routes ----------------------------------------------------------------------

  /**
   * Check a route and return it as it would be added (`fib_create_info`,
   * `fib_check_nh`). Changes nothing.
   *
   * @throws NetError EINVAL `Invalid prefix for given prefix length`; ENETDOWN `Device
   *   for nexthop is not up`; ENETUNREACH `Nexthop has invalid gateway`; EINVAL `Invalid
   *   prefsrc address`; ENODEV for a unicast route with neither device nor gateway;
   *   EINVAL `Gateway, device and multipath can not be specified for this route type`.
   */
  checkRoute(net: Net, spec: RouteSpec): Route {
    const len = spec.prefixLen;
    if (!Number.isInteger(len) || len < 0 || len > 32) throw new NetError('EINVAL');
    const dst = spec.dst >>> 0;
    if ((dst & ~maskOf(len)) >>> 0 !== 0) throw new NetError('EINVAL', { extack: 'Invalid prefix for given prefix length' });
    const type = spec.type ?? 'unicast';
    const table = spec.table ?? (type === 'local' || type === 'broadcast' ? RT_TABLE.LOCAL : RT_TABLE.MAIN);
    let dev = spec.dev;
    const gateway = (spec.gateway ?? 0) >>> 0;
    let scope = spec.scope;
    if (type === 'unicast' || type === 'local' || type === 'broadcast') {
      if (gateway !== 0) {
        const via = this.table(net, RT_TABLE.LOCAL)?.lookup(gateway, RT_SCOPE.LINK) ?? this.table(net, RT_TABLE.MAIN)?.lookup(gateway, RT_SCOPE.LINK);
        if (via === undefined || via.type !== 'unicast' || via.dev === undefined || (dev !== undefined && via.dev !== dev)) {
          throw new NetError('ENETUNREACH', { extack: 'Nexthop has invalid gateway' });
        }
        dev = via.dev;
        scope ??= RT_SCOPE.UNIVERSE;
      } else {
        if (dev === undefined) throw new NetError('ENODEV');
        scope ??= type === 'local' ? RT_SCOPE.HOST : RT_SCOPE.LINK;
      }
      if (!dev.up) throw new NetError('ENETDOWN', { extack: 'Device for nexthop is not up' });
    } else {
      if (dev !== undefined || gateway !== 0) throw new NetError('EINVAL', { extack: 'Gateway, device and multipath can not be specified for this route type' });
      scope ??= RT_SCOPE.UNIVERSE;
    }
    const prefsrc = (spec.prefsrc ?? 0) >>> 0;
    if (prefsrc !== 0 && !this.isLocal(net, prefsrc)) throw new NetError('EINVAL', { extack: 'Invalid prefsrc address' });
    return {
      table,
      dst,
      prefixLen: len,
      type,
      tos: spec.tos ?? 0,
      metric: spec.metric ?? 0,
      protocol: spec.protocol ?? 'boot',
      scope,
      dev,
      gateway,
      prefsrc,
    };
  }

  /**
   * `ip route add` (or `replace`): EEXIST when a route with the same destination, TOS
   * and metric is in the table (unless replacing it).
   *
   * @throws NetError as {@link Ipv4.checkRoute}; EEXIST.
   */
  addRoute(net: Net, spec: RouteSpec, mode: 'add' | 'replace' = 'add'): Route {
    const route = this.checkRoute(net, spec);
    const fib = net.state(FIB);
    const same = fib.get(route.table)?.at(route.dst, route.prefixLen).find((r) => r.tos === route.tos && r.metric === route.metric);
    if (same !== undefined && mode === 'add') throw new NetError('EEXIST');
    const table = fib.table(route.table);
    if (same !== undefined) table.remove(same);
    table.insert(route);
    return route;
  }

  /**
   * `ip route del`: the first route matching every field given.
   *
   * @throws NetError ESRCH when none matches.
   */
  deleteRoute(net: Net, spec: Partial<RouteSpec> & { readonly dst: number; readonly prefixLen: number }): Route {
    const tables = spec.table === undefined ? [RT_TABLE.MAIN] : [spec.table];
    for (const id of tables) {
      const table = this.table(net, id);
      const found = table?.at(spec.dst >>> 0, spec.prefixLen).find(
        (r) =>
          (spec.type === undefined || r.type === spec.type) &&
          (spec.dev === undefined || r.dev === spec.dev) &&
          (spec.gateway === undefined || r.gateway === spec.gateway >>> 0) &&
          (spec.metric === undefined || r.metric === spec.metric) &&
          (spec.tos === undefined || r.tos === spec.tos),
      );
      if (table !== undefined && found !== undefined) {
        table.remove(found);
        return found;
      }
    }
    throw new NetError('ESRCH');
  }

  /**
   * @internal the input path: how a datagram for `dst` arriving in `net` is routed —
   * `broadcast` (its first route is a broadcast route), `local` (a `local` route in the
   * local table: one of `net`'s own addresses) or `other` — the answers of
   * `routeLookup(net, dst).type === 'broadcast'` and {@link Ipv4.isLocal} together, in
   * one walk of the tables and without allocating (`ip_route_input_slow` does one
   * `fib_lookup` too). undefined when `net`'s tables are not open without a stage gate:
   * the caller then asks those two, so the gates count their refusals as before.
   */
  inputDisposition(net: Net, dst: number): 'broadcast' | 'local' | 'other' | undefined {
    if (!net.isInit && !this.#kernel.stages.isOn(this.#fibStage)) return undefined;
    const fib = net.state(FIB);
    const a = dst >>> 0;
    const local = fib.get(RT_TABLE.LOCAL)?.lookup(a);
    const route = local ?? fib.get(RT_TABLE.MAIN)?.lookup(a) ?? fib.get(RT_TABLE.DEFAULT)?.lookup(a);
    if (route?.type === 'broadcast') return 'broadcast';
    return local?.type === 'local' ? 'local' : 'other';
  }

  /** Whether `addr` is one of `net`'s own addresses (a `local` route in the local table). */
  isLocal(net: Net, addr: number): boolean {
    const r = this.table(net, RT_TABLE.LOCAL)?.lookup(addr >>> 0);
    return r !== undefined && r.type === 'local';
  }

  /**
   * `fib_lookup` through the default rules (local, then main, then default) and the
   * source address the kernel would pick (`fib_result_prefsrc`, `inet_select_addr`).
   *
   * @throws NetError ENETUNREACH with no route; EHOSTUNREACH for an `unreachable` route;
   *   EACCES for a `prohibit` route; EINVAL for a `blackhole` route.
   */
  routeLookup(net: Net, dst: number): RouteResult {
    const fib = this.fib(net);
    const route = fib === undefined ? undefined : fibRulesLookup(fib, dst >>> 0);
    if (route === undefined) throw new NetError('ENETUNREACH');
    if (route.type === 'unreachable') throw new NetError('EHOSTUNREACH');
    if (route.type === 'prohibit') throw new NetError('EACCES');
    if (route.type === 'blackhole') throw new NetError('EINVAL');
    const dev = route.type === 'local' ? (this.#core.loopback(net) ?? route.dev) : route.dev;
    if ((dst >>> 0) === 0xffffffff) {
      // The limited broadcast leaves by the route's device, sourced from a link-scope address.
      return { route, type: 'broadcast', dev, src: this.selectAddress(net, route.dev, 0, RT_SCOPE.LINK) };
    }
    const src = route.prefsrc !== 0 ? route.prefsrc : this.selectAddress(net, route.dev, route.gateway !== 0 ? route.gateway : dst >>> 0, route.scope);
    const type = route.type === 'local' ? 'local' : route.type === 'broadcast' ? 'broadcast' : 'unicast';
    return { route, type, dev, src };
  }

  /**
   * `inet_select_addr`: the first primary address of `dev` of scope no narrower than
   * `scope`, preferring one in `dst`'s subnet; else one from another device of the
   * namespace that is not link-scoped; 0 when there is none.
   */
  selectAddress(net: Net, dev: NetDevice | undefined, dst: number, scope: number): number {
    let addr = 0;
    if (dev !== undefined) {
      for (const a of this.addresses(dev)) {
        if (a.secondary || a.scope > scope) continue;
        if (dst === 0 || sameSubnet(dst, a.local, a.prefixLen)) return a.local;
        if (addr === 0) addr = a.local;
      }
      if (addr !== 0) return addr;
    }
    for (const d of this.#core.devices(net)) {
      if (d === dev) continue;
      for (const a of this.addresses(d)) {
        if (a.secondary || a.scope === RT_SCOPE.LINK || a.scope > scope) continue;
        return a.local;
      }
    }
    return 0;
  }

  // -- what the kernel does on its own ------------------------------------------------

  /** `inetdev_event`. */
  #inetdevEvent(event: string, dev: NetDevice): void {
    const devs = dev.net.state(INET);
    switch (event) {
      case 'register':
        devs.add(new InDevice(dev, dev.net.state(IPV4_SYSCTLS).confOf('default')));
        break;
      case 'up':
        if (dev.kind === 'loopback') {
          const spec = { local: 0x7f000001, prefixLen: 8, scope: RT_SCOPE.HOST };
          try {
            this.addAddress(dev, spec);
          } catch (err) {
            if (!(err instanceof NetError && err.code === 'EEXIST')) throw err;
          }
        }
        // ip_mc_up: join 224.0.0.1; an Ethernet device maps it into its multicast list
        // (arp_mc_map; loopback has no mapping), whether or not it has an address.
        if (dev.linkType === 'ether') dev.mcAdd(MAC_ALL_HOSTS);
        break;
      case 'down':
        // ip_mc_down: the groups are dropped from the device until it comes up again.
        if (dev.linkType === 'ether') dev.mcDel(MAC_ALL_HOSTS);
        break;
      case 'unregister':
        if (devs.has(dev)) {
          this.flushAddresses(dev);
          devs.delete(dev);
        }
        break;
      case 'change-name': {
        const inDev = devs.get(dev);
        if (inDev === undefined) break;
        for (const a of inDev.addrs) {
          const colon = a.label.indexOf(':');
          a.label = colon < 0 ? dev.name : `${dev.name}${a.label.slice(colon)}`;
        }
        break;
      }
      default:
        break;
    }
  }

  /** `fib_netdev_event`: a device coming up brings its routes back; going down or away takes them. */
  #fibEvent(event: string, dev: NetDevice): void {
    switch (event) {
      case 'up':
        for (const a of this.addresses(dev)) this.#fibAddIfaddr(a);
        break;
      case 'down':
        this.#flushDevRoutes(dev, true);
        break;
      case 'unregister':
        this.#flushDevRoutes(dev, false);
        break;
      default:
        break;
    }
  }

  /**
   * `fib_disable_ip`: remove the routes through `dev` from every table of its namespace
   * — when it only goes down, its `local` routes stay (6.18: lo down keeps
   * `local 127.0.0.0/8` and `local 127.0.0.1`, losing only the broadcast route).
   */
  #flushDevRoutes(dev: NetDevice, keepLocal: boolean): void {
    const fib = this.fib(dev.net);
    if (fib === undefined) return;
    for (const table of fib.all()) {
      for (const r of table.routes()) if (r.dev === dev && !(keepLocal && r.type === 'local')) table.remove(r);
    }
  }

  /** The routes `fib_add_ifaddr` adds for an address, given the device's state now. */
  #routesForIfaddr(ifa: IfAddr): Route[] {
    const dev = ifa.dev;
    const inDev = this.inDevice(dev);
    const prim = ifa.secondary
      ? inDev?.addrs.find((a) => !a.secondary && a.prefixLen === ifa.prefixLen && sameSubnet(a.local, ifa.local, ifa.prefixLen)) ?? ifa
      : ifa;
    const src = prim.local;
    const route = (table: number, type: RouteType, dst: number, len: number, scope: number): Route =>
      new KernelRoute(table, dst >>> 0, len, type, scope, dev, src);
    const out = [route(RT_TABLE.LOCAL, 'local', ifa.local, 32, RT_SCOPE.HOST)];
    if (!dev.up) return out;
    if (ifa.broadcast !== 0 && ifa.broadcast !== 0xffffffff) out.push(route(RT_TABLE.LOCAL, 'broadcast', ifa.broadcast, 32, RT_SCOPE.LINK));
    const mask = maskOf(ifa.prefixLen);
    const prefix = (ifa.local & mask) >>> 0;
    if (prefix !== 0 && !ifa.secondary && (prefix !== ifa.local || ifa.prefixLen < 32)) {
      if (dev.kind === 'loopback') out.push(route(RT_TABLE.LOCAL, 'local', prefix, ifa.prefixLen, RT_SCOPE.HOST));
      else out.push(route(RT_TABLE.MAIN, 'unicast', prefix, ifa.prefixLen, RT_SCOPE.LINK));
      if (ifa.prefixLen < 31) out.push(route(RT_TABLE.LOCAL, 'broadcast', (prefix | ~mask) >>> 0, 32, RT_SCOPE.LINK));
    }
    return out;
  }

  /** `fib_add_ifaddr`, skipping routes already there (as `fib_magic`'s EEXIST is ignored). */
  #fibAddIfaddr(ifa: IfAddr): void {
    if (!ifa.dev.net.isInit && !this.#kernel.stages.gate(this.#routeStage, ifa.dev.net)) return;
    const fib = this.fib(ifa.dev.net);
    if (fib === undefined) return;
    for (const r of this.#routesForIfaddr(ifa)) {
      if (findKernelRoute(fib, r) === undefined) fib.table(r.table).insert(r);
    }
  }

  /** The kernel routes the device's addresses call for now. */
  #kernelRouteSpecs(dev: NetDevice): Route[] {
    return this.addresses(dev).flatMap((a) => this.#routesForIfaddr(a));
  }

  /**
   * After addresses went (`fib_del_ifaddr`): remove the kernel routes that were called
   * for before and no longer are; add those newly called for (a promoted primary's).
   */
  #syncKernelRoutes(dev: NetDevice, before: readonly Route[]): void {
    if (!dev.net.isInit && !this.#kernel.stages.gate(this.#routeStage, dev.net)) return;
    const fib = this.fib(dev.net);
    if (fib === undefined) return;
    const after = this.#kernelRouteSpecs(dev);
    for (const r of before) {
      if (after.some((x) => sameKernelRoute(x, r))) continue;
      const found = findKernelRoute(fib, r);
      if (found !== undefined) fib.get(r.table)?.remove(found);
    }
    for (const r of after) if (findKernelRoute(fib, r) === undefined) fib.table(r.table).insert(r);
  }

  /**
   * Write `ip_forward`, which is `conf/all/forwarding`, as `devinet_sysctl_forward`
   * does: store the value, and only when it changed spread it to `conf/default` and every
   * device's `conf` (`inet_forward_change`). Any int is stored as written; the routing
   * code only asks whether it is non-zero.
   *
   * @remarks
   * `net/ipv4/devinet.c`. Writing `conf/default/forwarding` or `conf/DEV/forwarding`
   * changes only that one (procfs writes those fields directly).
   */
  setIpForward(net: Net, value: number): void {
    const s = net.state(IPV4_SYSCTLS);
    // Unchanged, nothing is written: conf/all stays shared with the defaults if it was.
    if (value === s.confOf('all').forwarding) return;
    s.all.forwarding = value;
    s.default.forwarding = value;
    for (const inDev of net.state(INET).values()) inDev.forwarding = value;
  }

  /** Whether the inetdev notifier serves `net` (for the control surface's checks). */
  inetdevOpen(net: Net): boolean {
    return net.isInit || this.#kernel.stages.isOn(this.#inetStage);
  }
}

function sameKernelRoute(a: Route, b: Route): boolean {
  return (
    a.table === b.table &&
    a.dst === b.dst &&
    a.prefixLen === b.prefixLen &&
    a.type === b.type &&
    a.dev === b.dev &&
    a.prefsrc === b.prefsrc &&
    a.scope === b.scope &&
    a.metric === b.metric
  );
}

function findKernelRoute(fib: Fib, r: Route): Route | undefined {
  return fib.get(r.table)?.at(r.dst, r.prefixLen).find((x) => x.protocol === 'kernel' && sameKernelRoute(x, r));
}

/**
 * The IPv4 core of a kernel booted with the ipv4 layer.
 *
 * @throws Error when the ipv4 layer is not registered.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer, netdev } from '@netstage/devices';
 * import { ipv4, ipv4Layer } from '@netstage/ipv4';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
 * const lo = netdev(kernel).loopback(kernel.initNet);
 * if (lo) netdev(kernel).open(lo);
 * if (lo) ipv4(kernel).addresses(lo).length; // 1: 127.0.0.1/8
 * ```
 */
export function ipv4(kernel: Kernel): Ipv4 {
  return kernel.state(IPV4);
}
