/**
 * The device core of one kernel: registration, up and down, rename, MTU and address
 * changes, moves between namespaces, the backlog that carries frames to the receive
 * dispatch, and what happens to devices when their namespace exits. The counterpart of
 * `net/core/dev.c`.
 *
 * @module
 */

import { NetError, defineKernelKey, defineNetKey, type Kernel, type Net, type Stage } from '@netstage/core-net';
import { DummyDevice, LoopbackDevice, NicDevice, VethDevice, type DeviceCore, type NetDevice } from './device.js';
import { NetdevChain, type NetdevEvent } from './events.js';
import { PacketHandlers } from './rx.js';
import type { OperState } from './flags.js';
import { DEVICE_STAGES } from './stages.js';
import { DeviceTable, IfindexCursor, resolveIfname } from './table.js';
import { frameDestination, isMulticastMac, randomMac } from './wire/ethernet.js';

/** Each namespace's device list; initNet's for all while `dev-list-per-ns` is off. */
export const DEVICES = defineNetKey<DeviceTable>('devices', { stage: DEVICE_STAGES.list });

/**
 * Each namespace's ifindex cursor — its own {@link DeviceTable} — or initNet's (the global
 * counter) while `ifindex-per-ns` is off.
 */
export const IFINDEX = defineNetKey<IfindexCursor>('ifindex', { stage: DEVICE_STAGES.ifindex });

/** The kernel's device core. */
export const NETDEV = defineKernelKey<Netdev>('netdev');

/**
 * The link-layer group of IPv6's all-nodes address ff02::1 (`33:33:00:00:00:01`), which
 * every Ethernet-type device joins when it is registered.
 *
 * @remarks
 * netstage has no IPv6 (its Linux comparisons run with `disable_ipv6=1`), but even then
 * Linux's `addrconf_notify` (`net/ipv6/addrconf.c`) gives each registered device an
 * `inet6_dev` whose `ipv6_add_dev` joins ff02::1 (`igmp6_group_added` →
 * `ndisc_mc_map` → `dev_mc_add`; the interface-local ff01::1 is not mapped), and with
 * IPv6 disabled nothing leaves it again until the device is unregistered or moved. So
 * `/proc/net/dev_mcast` lists it for every Ethernet device, up or down (observed on 6.18).
 * The devices layer stands in for that join; loopback gets none (no mapping for it).
 *
 * @example
 * ```ts
 * import { MAC_IPV6_ALL_NODES, macToString } from '@netstage/devices';
 * macToString(MAC_IPV6_ALL_NODES); // '33:33:00:00:00:01'
 * ```
 */
export const MAC_IPV6_ALL_NODES = 0x3333_0000_0001;

/** `netdev_max_backlog`: frames a device may have waiting for the dispatch. */
export const NETDEV_MAX_BACKLOG = 1000;

interface Stages {
  readonly init: Stage;
  readonly list: Stage;
  readonly allocName: Stage;
  readonly move: Stage;
  readonly loopback: Stage;
  readonly virtualExit: Stage;
}

/**
 * One kernel's device core. Reach it with `netdev(kernel)`.
 *
 * Every operation checks everything first and changes nothing when it refuses.
 */
export class Netdev implements DeviceCore {
  /** The device-event chain. */
  readonly chain: NetdevChain;
  /** The protocol handlers of the receive path. */
  readonly handlers: PacketHandlers;
  readonly #kernel: Kernel;
  readonly #stages: Stages;
  /** Link-watch events fired during the current operation, run when it ends. */
  #linkwatch: NetDevice[] = [];
  #depth = 0;

  /** @internal made by the devices layer. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    const m = kernel.manifest;
    this.chain = new NetdevChain(kernel, m.stage(DEVICE_STAGES.events));
    this.handlers = new PacketHandlers(kernel, m.stage(DEVICE_STAGES.rx));
    this.#stages = {
      init: m.stage(DEVICE_STAGES.init),
      list: m.stage(DEVICE_STAGES.list),
      allocName: m.stage(DEVICE_STAGES.allocName),
      move: m.stage(DEVICE_STAGES.move),
      loopback: m.stage(DEVICE_STAGES.loopback),
      virtualExit: m.stage(DEVICE_STAGES.virtualExit),
    };
  }

  /**
   * The device list of `net`, or `undefined` for a namespace that has none of its own
   * yet (`dev-list-per-ns` off): lookups there find nothing.
   */
  table(net: Net): DeviceTable | undefined {
    if (!net.isInit && !this.#kernel.stages.gate(this.#stages.list, net)) return undefined;
    return net.state(DEVICES);
  }

  /** `__dev_get_by_name(net, name)`. */
  byName(net: Net, name: string): NetDevice | undefined {
    return this.table(net)?.byName(name);
  }

  /** `__dev_get_by_index(net, ifindex)`. */
  byIndex(net: Net, ifindex: number): NetDevice | undefined {
    return this.table(net)?.byIndex(ifindex);
  }

  /** The devices of `net` in ifindex order (empty where it has no list). */
  devices(net: Net): NetDevice[] {
    return this.table(net)?.list() ?? [];
  }

  /** The loopback device of `net`, if it has one. */
  loopback(net: Net): NetDevice | undefined {
    const lo = this.byIndex(net, 1);
    return lo?.kind === 'loopback' ? lo : this.devices(net).find((d) => d.kind === 'loopback');
  }

  /**
   * Run `fn` as one operation: link-watch work it fires (operational state recomputed
   * after a carrier change, `NETDEV_CHANGE`) runs once it has finished, as Linux's
   * link-watch work runs after the request that fired it — so a veth's state is computed
   * with both ends in place.
   */
  batch<T>(fn: () => T): T {
    this.#depth++;
    try {
      return fn();
    } finally {
      this.#depth--;
      if (this.#depth === 0) this.#runLinkwatch();
    }
  }

  #fireLinkwatch(dev: NetDevice): void {
    if (!this.#linkwatch.includes(dev)) this.#linkwatch.push(dev);
  }

  /** `linkwatch_do_dev`: recompute the state (`default_operstate`); announce if up. */
  #runLinkwatch(): void {
    while (this.#linkwatch.length > 0) {
      const dev = this.#linkwatch.shift() as NetDevice;
      if (!dev.registered) continue;
      dev._setOperstate(this.#defaultOperstate(dev));
      if (dev.up) this.#notify('change', dev);
    }
  }

  /** `default_operstate()` (`net/core/link_watch.c`). */
  #defaultOperstate(dev: NetDevice): OperState {
    if (dev.carrier) return 'UP';
    const iflink = dev.iflink;
    if (iflink === dev.ifindex) return 'DOWN';
    // The lower device is looked up by index in the device's own namespace, even for a
    // veth whose peer lives elsewhere: another device there may answer.
    const lower = this.byIndex(dev.net, iflink);
    if (lower === undefined) return 'DOWN';
    return lower.carrier ? 'DOWN' : 'LOWERLAYERDOWN';
  }

  /** Fire link-watch for `devs` whose carrier differs from `before`. */
  #carrierDiff(devs: readonly (NetDevice | undefined)[], before: readonly boolean[]): void {
    devs.forEach((d, i) => {
      if (d !== undefined && d.carrier !== before[i]) this.#fireLinkwatch(d);
    });
  }

  // -- creating devices ------------------------------------------------------------

  /** A dummy device, not yet registered. */
  newDummy(net: Net, name: string, mac: number): DummyDevice {
    return new DummyDevice(this, net, name, mac);
  }

  /** A veth pair, not yet registered. */
  newVethPair(net: Net, name: string, mac: number, peerNet: Net, peerName: string, peerMac: number): [VethDevice, VethDevice] {
    const a = new VethDevice(this, net, name, mac);
    const b = new VethDevice(this, peerNet, peerName, peerMac);
    VethDevice._pair(a, b);
    return [a, b];
  }

  /** A NIC, not yet registered. */
  newNic(net: Net, name: string, mac: number): NicDevice {
    return new NicDevice(this, net, name, mac);
  }

  /**
   * A random unicast, locally administered MAC from the kernel's seeded PRNG
   * (`eth_hw_addr_random`).
   */
  randomMac(): number {
    const random = this.#kernel.random;
    return randomMac(() => random.nextU32());
  }

  // -- registration ----------------------------------------------------------------

  /**
   * Check that `dev` could be registered in `net` under `pattern`, and return the name
   * it would get. Changes nothing.
   *
   * @throws NetError EINVAL outside initNet before `dev-ns-init`/`dev-list-per-ns`, for an
   *   invalid name, or for a `%d` pattern outside initNet before `dev-alloc-name-ns`;
   *   EEXIST for a name in use.
   */
  checkRegister(net: Net, pattern: string, reserved?: string): string {
    const stages = this.#kernel.stages;
    if (!net.isInit && !(stages.gate(this.#stages.init, net) && stages.gate(this.#stages.list, net))) {
      throw new NetError('EINVAL');
    }
    if (pattern.includes('%') && !net.isInit && !stages.gate(this.#stages.allocName, net)) throw new NetError('EINVAL');
    return resolveIfname(net.state(DEVICES), pattern, reserved);
  }

  /**
   * `register_netdevice`: give `dev` its name and an ifindex in `net`, list it, and
   * announce it (`NETDEV_REGISTER`).
   *
   * @throws NetError as {@link Netdev.checkRegister}.
   */
  register(dev: NetDevice, net: Net, pattern: string = dev.name): void {
    this.batch(() => {
      const name = this.checkRegister(net, pattern);
      const table = net.state(DEVICES);
      this.#list(dev, net, name, net.state(IFINDEX).allocate(table));
    });
  }

  /** List a device under a name and ifindex and announce it (`NETDEV_REGISTER`). */
  #list(dev: NetDevice, net: Net, name: string, ifindex: number): void {
    dev._register(net, name, ifindex);
    net.state(DEVICES)._add(dev);
    // addrconf's ipv6_add_dev joins ff02::1 on every Ethernet device (see MAC_IPV6_ALL_NODES).
    if (dev.linkType === 'ether') dev.mcAdd(MAC_IPV6_ALL_NODES);
    // linkwatch_init_dev: a device registered without carrier gets its state computed.
    if (!dev.carrier && dev.kind !== 'loopback' && dev.kind !== 'dummy') this.#fireLinkwatch(dev);
    this.#notify('register', dev);
  }

  /**
   * `unregister_netdevice`: bring it down, announce its going (`NETDEV_UNREGISTER`) and
   * unlist it. A veth end takes its peer with it (`veth_dellink`).
   */
  unregister(dev: NetDevice): void {
    this.batch(() => {
      const peer = dev instanceof VethDevice ? dev.peer : undefined;
      this.#unregisterOne(dev);
      if (peer !== undefined) {
        if (peer.registered) this.#unregisterOne(peer);
        peer._unpair();
        (dev as VethDevice)._unpair();
      }
    });
  }

  /** `unregister_netdevice_many`: close, unlist, then `NETDEV_UNREGISTER`. */
  #unregisterOne(dev: NetDevice): void {
    if (!dev.registered) return;
    this.close(dev);
    dev.net.state(DEVICES)._remove(dev);
    dev._unlist();
    this.#notify('unregister', dev);
    dev._mcFlush();
  }

  // -- link settings ---------------------------------------------------------------

  /** `dev_open`: up, `NETDEV_UP`; a veth whose peer is up gets carrier on both ends. */
  open(dev: NetDevice): void {
    if (dev.up) return;
    this.batch(() => {
      const devs = [dev, dev instanceof VethDevice ? dev.peer : undefined];
      const before = devs.map((d) => d?.carrier === true);
      dev._setUp(true);
      this.#notify('up', dev);
      this.#carrierDiff(devs, before);
    });
  }

  /** `dev_close`: `NETDEV_GOING_DOWN`, down, `NETDEV_DOWN`; a veth drops carrier on both ends. */
  close(dev: NetDevice): void {
    if (!dev.up) return;
    this.batch(() => {
      const devs = [dev, dev instanceof VethDevice ? dev.peer : undefined];
      const before = devs.map((d) => d?.carrier === true);
      this.#notify('going-down', dev);
      dev._setUp(false);
      this.#notify('down', dev);
      this.#carrierDiff(devs, before);
    });
  }

  /**
   * Check a rename (`dev_change_name`) and return the resolved name. Changes nothing.
   *
   * Since v6.2 any device may be renamed while up (transcript: lo, veth and a dummy-like
   * device all rename while up on 6.18).
   *
   * @throws NetError EINVAL for an invalid name; EEXIST for a name in use.
   */
  checkRename(dev: NetDevice, pattern: string): string {
    if (pattern === dev.name) return pattern;
    return resolveIfname(dev.net.state(DEVICES), pattern);
  }

  /** `dev_change_name`, `NETDEV_CHANGENAME`. @throws NetError as {@link Netdev.checkRename}. */
  rename(dev: NetDevice, pattern: string): void {
    const name = this.checkRename(dev, pattern);
    if (name === dev.name) return;
    const from = dev.name;
    dev._setName(name);
    dev.net.state(DEVICES)._rename(dev, from);
    this.#notify('change-name', dev);
  }

  /**
   * Check an MTU (`dev_validate_mtu`). Changes nothing.
   *
   * @throws NetError EINVAL with the kernel's extended ack when out of range.
   */
  checkMtu(dev: NetDevice, mtu: number): void {
    if (!Number.isInteger(mtu) || mtu < 0 || mtu > 0x7fffffff) throw new NetError('EINVAL');
    if (mtu < dev.minMtu) throw new NetError('EINVAL', { extack: 'mtu less than device minimum' });
    if (dev.maxMtu > 0 && mtu > dev.maxMtu) throw new NetError('EINVAL', { extack: 'mtu greater than device maximum' });
  }

  /** `dev_set_mtu`, `NETDEV_CHANGEMTU`. @throws NetError as {@link Netdev.checkMtu}. */
  setMtu(dev: NetDevice, mtu: number): void {
    this.checkMtu(dev, mtu);
    if (mtu === dev.mtu) return;
    dev._setMtu(mtu);
    this.#notify('change-mtu', dev);
  }

  /**
   * Check a MAC address change (`eth_mac_addr` → `eth_prepare_mac_addr_change`; lo,
   * veth and dummy all use it). Changes nothing.
   *
   * @throws NetError EADDRNOTAVAIL for a multicast (so also broadcast) or all-zero address.
   */
  checkMac(_dev: NetDevice, mac: number): void {
    if (!isValidUnicastMac(mac)) throw new NetError('EADDRNOTAVAIL');
  }

  /** `dev_set_mac_address`, `NETDEV_CHANGEADDR`. @throws NetError as {@link Netdev.checkMac}. */
  setMac(dev: NetDevice, mac: number): void {
    this.checkMac(dev, mac);
    if (mac === dev.mac) return;
    dev._setMac(mac);
    this.#notify('change-addr', dev);
  }

  // -- moving ----------------------------------------------------------------------

  /**
   * Check a move and return the name the device would have in `target`. Changes
   * nothing.
   *
   * @throws NetError EINVAL `The interface netns is immutable` for a namespace-local
   *   device; EINVAL while `dev-move` is off; EEXIST `An interface with the same name
   *   exists in the target netns` when its name is taken there and no new one is given;
   *   what {@link Netdev.checkRegister} throws for the new name.
   */
  checkMove(dev: NetDevice, target: Net, newName?: string): string {
    if (dev.netnsLocal) throw new NetError('EINVAL', { extack: 'The interface netns is immutable' });
    if (target === dev.net) return newName === undefined ? dev.name : this.checkRename(dev, newName);
    const stages = this.#kernel.stages;
    if (!stages.gate(this.#stages.move, dev.net) || !stages.gate(this.#stages.move, target)) throw new NetError('EINVAL');
    const table = this.table(target);
    if (table === undefined) throw new NetError('EINVAL');
    if (table.byName(dev.name) !== undefined && newName === undefined) {
      throw new NetError('EEXIST', { extack: 'An interface with the same name exists in the target netns' });
    }
    return this.checkRegister(target, newName ?? dev.name);
  }

  /**
   * `dev_change_net_namespace`: close the device, unregister it here, register it there
   * (keeping its ifindex when free there), MAC and MTU kept. A move within the same
   * namespace only renames.
   *
   * @throws NetError as {@link Netdev.checkMove}.
   */
  move(dev: NetDevice, target: Net, newName?: string): void {
    const name = this.checkMove(dev, target, newName);
    if (target === dev.net) {
      this.rename(dev, name);
      return;
    }
    this.batch(() => {
      // __dev_change_net_namespace: close, unlist, then NETDEV_UNREGISTER.
      this.close(dev);
      dev.net.state(DEVICES)._remove(dev);
      dev._unlist();
      this.#notify('unregister', dev);
      dev._mcFlush();
      const table = target.state(DEVICES);
      const ifindex = table.byIndex(dev.ifindex) === undefined ? dev.ifindex : target.state(IFINDEX).allocate(table);
      this.#list(dev, target, name, ifindex);
    });
  }

  /**
   * What `default_device_exit` does for a namespace that is going away: virtual devices
   * are deleted (since v2.6.29; both ends of a veth), the others go back to initNet
   * under their name if it is free there, else `dev<ifindex>`, else `dev%d`. Loopback
   * stays; its own exit removes it.
   */
  evacuate(net: Net): void {
    this.batch(() => this.#evacuate(net));
  }

  #evacuate(net: Net): void {
    const deleteVirtual = this.#kernel.stages.isOn(this.#stages.virtualExit);
    const init = this.#kernel.initNet;
    for (const dev of net.state(DEVICES).list()) {
      if (dev.netnsLocal || !dev.registered || dev.net !== net) continue;
      if (dev.virtual && deleteVirtual) {
        this.unregister(dev);
        continue;
      }
      const initTable = init.state(DEVICES);
      let name = dev.name;
      if (initTable.byName(name) !== undefined) {
        name = `dev${dev.ifindex}`;
        if (initTable.byName(name) !== undefined) name = resolveIfname(initTable, 'dev%d');
      }
      this.move(dev, init, name);
    }
  }

  // -- the loopback op -------------------------------------------------------------

  /** Create, register and return `net`'s loopback (`loopback_net_init`). */
  createLoopback(net: Net): LoopbackDevice {
    const lo = new LoopbackDevice(this, net);
    this.register(lo, net, 'lo');
    return lo;
  }

  // -- the receive path ------------------------------------------------------------

  /** @internal {@link DeviceCore}: queue a received frame for the dispatch. */
  netifRx(dev: NetDevice, frame: Uint8Array, ipSummed: number): void {
    if (dev._enqueueBacklog(frame, NETDEV_MAX_BACKLOG, ipSummed) === 'first') {
      this.#kernel.clock.post(this.#processBacklog, dev);
    }
  }

  /** @internal {@link DeviceCore}: show an outgoing frame to the taps. */
  transmitted(dev: NetDevice, frame: Uint8Array): void {
    this.handlers.outgoing(frame, dev);
  }

  /** @internal {@link DeviceCore}: carrier changed: link-watch recomputes and announces. */
  carrierChanged(dev: NetDevice): void {
    this.batch(() => this.#fireLinkwatch(dev));
  }

  /** The backlog's poll: the frames waiting now, then again later if more came. */
  readonly #processBacklog = (dev: NetDevice): void => {
    let budget = dev.backlog;
    while (budget-- > 0) {
      const ipSummed = dev._backlogHeadSummed();
      const frame = dev._dequeueBacklog();
      if (frame === undefined || !dev.registered) return;
      // The multicast counter is the driver's: a NIC counts multicast (and broadcast)
      // frames; veth_get_stats64 and loopback never report one (6.18: a veth that
      // received a broadcast ARP shows multicast 0 in /proc/net/dev).
      const countsMulticast = dev.kind !== 'veth' && dev.kind !== 'loopback';
      dev._received(frame, countsMulticast && isMulticastMac(frameDestination(frame)));
      this.handlers.dispatch(frame, dev, ipSummed);
    }
    if (dev.backlog > 0) this.#kernel.clock.post(this.#processBacklog, dev);
  };

  #notify(event: NetdevEvent, dev: NetDevice): void {
    this.chain.notify(event, dev);
  }
}

/** `is_valid_ether_addr`: neither multicast (so not broadcast) nor all zeros. */
function isValidUnicastMac(mac: number): boolean {
  return mac !== 0 && !isMulticastMac(mac);
}

/**
 * The device core of a kernel booted with the devices layer.
 *
 * @throws Error when the devices layer is not registered.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer, netdev } from '@netstage/devices';
 * const kernel = Kernel.boot({ layers: [devicesLayer()] });
 * netdev(kernel).loopback(kernel.initNet)?.name; // 'lo'
 * ```
 */
export function netdev(kernel: Kernel): Netdev {
  return kernel.state(NETDEV);
}
