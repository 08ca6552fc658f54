/**
 * The link control surface: what rtnetlink's `RTM_NEWLINK`, `RTM_DELLINK`,
 * `RTM_SETLINK` and `RTM_GETLINK` do, as a typed API that `ip link` will sit on.
 *
 * @module
 */

import { NetError, NetNsFile, utf8Length, type Kernel, type Net, type Stage, type Task } from '@netstage/core-net';
import type { DeviceKind, LinkType, NetDevice } from './device.js';
import { VethDevice } from './device.js';
import type { OperState } from './flags.js';
import { netdev, type Netdev } from './netdev.js';
import { DEVICE_STAGES } from './stages.js';
import { IFNAMSIZ } from './table.js';
import { MAC_ZERO } from './wire/ethernet.js';

/**
 * A namespace named in a link request, as rtnetlink takes it: by the pid of a task in
 * it (`IFLA_NET_NS_PID`) or by an open namespace handle of the caller (`IFLA_NET_NS_FD`;
 * `ip link … netns NAME` opens `/run/netns/NAME` for this).
 */
export type NetnsRef = { readonly pid: number } | { readonly fd: number };

/** `ip link add`. */
export interface LinkAddRequest {
  /** `veth` or `dummy`. */
  readonly kind: 'veth' | 'dummy';
  /** Name or `%d` pattern; default `veth%d` / `dummy%d`. */
  readonly name?: string;
  /** MAC address (48-bit number); default random. */
  readonly address?: number;
  /** MTU. */
  readonly mtu?: number;
  /** Create it in another namespace. */
  readonly netns?: NetnsRef;
  /** The veth peer. */
  readonly peer?: {
    readonly name?: string;
    readonly address?: number;
    readonly mtu?: number;
    readonly netns?: NetnsRef;
  };
}

/** `ip link set`: every field optional; all are checked before any is applied. */
export interface LinkSetRequest {
  readonly up?: boolean;
  readonly mtu?: number;
  readonly address?: number;
  readonly name?: string;
  readonly netns?: NetnsRef;
}

/** A snapshot of a device as a link dump reports it. */
export interface LinkInfo {
  readonly ifindex: number;
  readonly name: string;
  readonly kind: DeviceKind;
  readonly linkType: LinkType;
  /** `IFF_*` flags as `dev_get_flags()` reports them. */
  readonly flags: number;
  readonly mtu: number;
  readonly qdisc: string;
  readonly operstate: OperState;
  readonly txQueueLen: number;
  readonly address: number;
  readonly broadcast: number;
  /** For a veth: the peer's ifindex in its own namespace, that namespace, and its state. */
  readonly peer?: {
    readonly ifindex: number;
    readonly name: string;
    readonly net: Net;
    readonly up: boolean;
  };
  /** A copy of the counters, indexed by `STAT`. */
  readonly stats: Float64Array;
}

/**
 * The link control surface of one kernel. Every call names the calling task: its
 * namespace is the one the request is about (the namespace of the rtnetlink socket).
 *
 * While `rtnl-netns-socket` is off, a task outside initNet gets ECONNREFUSED (there is
 * no rtnetlink kernel socket in its namespace, patch 12); while `rtnl-link-methods` is
 * off, its changes get EINVAL and its dumps are empty (b854272b's fence).
 *
 * Every request is checked completely before anything changes: a refused request
 * leaves nothing behind.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl, devicesLayer } from '@netstage/devices';
 * const kernel = Kernel.boot({ layers: [devicesLayer()] });
 * kernel.netns.add('b');
 * const links = new LinkControl(kernel);
 * const sh = kernel.initTask;
 * const fd = kernel.netns.open('b', sh);
 * links.add(sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } });
 * sh.close(fd);
 * links.show(sh, 'veth0')[0]?.peer?.ifindex; // 2: veth1 is ifindex 2 in 'b'
 * ```
 */
export class LinkControl {
  readonly #kernel: Kernel;
  readonly #core: Netdev;
  readonly #socket: Stage;
  readonly #methods: Stage;
  readonly #moveNetlink: Stage;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#core = netdev(kernel);
    this.#socket = kernel.manifest.stage(DEVICE_STAGES.rtnlSocket);
    this.#methods = kernel.manifest.stage(DEVICE_STAGES.rtnlLink);
    this.#moveNetlink = kernel.manifest.stage(DEVICE_STAGES.moveNetlink);
  }

  /**
   * `ip link add`: a dummy device, or a veth pair (the peer registered first, as
   * `veth_newlink` does, so it gets the lower ifindex when both are in one namespace).
   *
   * @throws NetError ECONNREFUSED / EINVAL from the stage fences; EINVAL for an invalid
   *   name or MTU; EEXIST for a name in use; EADDRNOTAVAIL for a bad MAC; ESRCH, EBADF or
   *   EINVAL for a bad namespace reference.
   */
  add(task: Task, req: LinkAddRequest): LinkInfo {
    return this.#core.batch(() => this.#add(task, req));
  }

  #add(task: Task, req: LinkAddRequest): LinkInfo {
    const net = this.#doit(task);
    checkNameLength(req.name);
    checkNameLength(req.peer?.name);
    const core = this.#core;
    const mainNet = req.netns === undefined ? net : this.#resolveNetns(task, req.netns);
    // Devices are built with a placeholder MAC and checked; only then are random MACs
    // drawn, so a refused request does not even move the PRNG.
    if (req.kind === 'dummy') {
      const name = core.checkRegister(mainNet, req.name ?? 'dummy%d');
      const dev = core.newDummy(mainNet, name, MAC_ZERO);
      this.#checkSettings(dev, req);
      dev._setMac(req.address ?? core.randomMac());
      core.register(dev, mainNet, name);
      if (req.mtu !== undefined) core.setMtu(dev, req.mtu);
      return linkInfo(dev);
    }
    const peerReq = req.peer ?? {};
    const peerNet = peerReq.netns === undefined ? net : this.#resolveNetns(task, peerReq.netns);
    const peerName = core.checkRegister(peerNet, peerReq.name ?? 'veth%d');
    const mainName = core.checkRegister(mainNet, req.name ?? 'veth%d', peerNet === mainNet ? peerName : undefined);
    const [dev, peer] = core.newVethPair(mainNet, mainName, MAC_ZERO, peerNet, peerName, MAC_ZERO);
    this.#checkSettings(dev, req);
    this.#checkSettings(peer, peerReq);
    peer._setMac(peerReq.address ?? core.randomMac()); // veth_newlink: the peer first
    dev._setMac(req.address ?? core.randomMac());
    core.register(peer, peerNet, peerName);
    core.register(dev, mainNet, mainName);
    if (peerReq.mtu !== undefined) core.setMtu(peer, peerReq.mtu);
    if (req.mtu !== undefined) core.setMtu(dev, req.mtu);
    return linkInfo(dev);
  }

  /**
   * `ip link del DEV`: a veth takes its peer with it.
   *
   * @throws NetError ENODEV `Cannot find device "DEV"`; EOPNOTSUPP for loopback and
   *   NICs (no `dellink`).
   */
  del(task: Task, name: string): void {
    const dev = this.#find(this.#doit(task), name);
    if (!dev.virtual) throw new NetError('EOPNOTSUPP');
    this.#core.unregister(dev);
  }

  /**
   * `ip link set DEV …`: moves first (with the new name, if any, applied in the target),
   * then address, MTU, name, and up/down last, as `do_setlink` orders them — but all
   * checked before any is applied.
   *
   * @throws NetError ENODEV for a missing device; EINVAL `The interface netns is
   *   immutable` for moving lo; EEXIST `An interface with the same name exists in the
   *   target netns`; EINVAL for MTU out of range or an invalid name; EEXIST for a name in
   *   use; EBUSY renaming a running device that cannot be; EADDRNOTAVAIL / EOPNOTSUPP for
   *   addresses; the fences as {@link LinkControl.add}.
   */
  set(task: Task, name: string, req: LinkSetRequest): void {
    this.#core.batch(() => this.#set(task, name, req));
  }

  #set(task: Task, name: string, req: LinkSetRequest): void {
    const net = this.#doit(task);
    checkNameLength(req.name);
    const core = this.#core;
    const dev = this.#find(net, name);
    const target = req.netns === undefined ? undefined : this.#resolveNetns(task, req.netns);
    let newName: string | undefined;
    if (target !== undefined) newName = core.checkMove(dev, target, req.name);
    else if (req.name !== undefined) newName = core.checkRename(dev, req.name);
    this.#checkSettings(dev, req);
    if (target !== undefined) core.move(dev, target, newName);
    if (req.address !== undefined) core.setMac(dev, req.address);
    if (req.mtu !== undefined) core.setMtu(dev, req.mtu);
    if (target === undefined && newName !== undefined) core.rename(dev, newName);
    if (req.up === true) core.open(dev);
    if (req.up === false) core.close(dev);
  }

  /**
   * `ip link show [DEV]`: every device of the caller's namespace in ifindex order, or one.
   *
   * @throws NetError ECONNREFUSED before `rtnl-netns-socket`; ENODEV for a missing
   *   device; EINVAL asking for one device while the link methods are fenced (a whole
   *   dump is just empty then).
   */
  show(task: Task, name?: string): LinkInfo[] {
    const net = this.#socketNet(task);
    const stages = this.#kernel.stages;
    if (name !== undefined) {
      if (!stages.gate(this.#methods, net)) throw new NetError('EINVAL');
      return [linkInfo(this.#find(net, name))];
    }
    if (!stages.gate(this.#methods, net)) return [];
    return this.#core.devices(net).map(linkInfo);
  }

  /** The caller's namespace, if it has an rtnetlink socket. */
  #socketNet(task: Task): Net {
    const net = task.net;
    if (!this.#kernel.stages.gate(this.#socket, net)) throw new NetError('ECONNREFUSED', { syscall: 'sendmsg' });
    return net;
  }

  /** The caller's namespace, for a request that changes something. */
  #doit(task: Task): Net {
    const net = this.#socketNet(task);
    if (!this.#kernel.stages.gate(this.#methods, net)) throw new NetError('EINVAL');
    return net;
  }

  #find(net: Net, name: string): NetDevice {
    const dev = this.#core.byName(net, name);
    if (dev === undefined) throw new NetError('ENODEV', { detail: `Cannot find device "${name}"` });
    return dev;
  }

  #resolveNetns(task: Task, ref: NetnsRef): Net {
    let net: Net;
    if ('pid' in ref) {
      const t = this.#kernel.task(ref.pid);
      if (t === undefined) throw new NetError('ESRCH');
      net = t.net;
    } else {
      const file = task.file(ref.fd);
      if (!(file instanceof NetNsFile)) throw new NetError('EINVAL');
      net = file.net;
    }
    const stages = this.#kernel.stages;
    if (net !== task.net && !(stages.gate(this.#moveNetlink, net) && stages.gate(this.#moveNetlink, task.net))) {
      throw new NetError('EINVAL');
    }
    return net;
  }

  #checkSettings(dev: NetDevice, req: { readonly mtu?: number; readonly address?: number }): void {
    if (req.mtu !== undefined) this.#core.checkMtu(dev, req.mtu);
    if (req.address !== undefined) this.#core.checkMac(dev, req.address);
  }
}

/**
 * `IFLA_IFNAME` is an `NLA_STRING` of at most `IFNAMSIZ - 1` bytes: a longer name is
 * refused by the netlink policy before any handler runs.
 */
function checkNameLength(name: string | undefined): void {
  if (name !== undefined && utf8Length(name) > IFNAMSIZ - 1) {
    throw new NetError('EINVAL', { extack: 'Attribute failed policy validation' });
  }
}

/**
 * A snapshot of a device as a link dump reports it.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer, linkInfo, netdev } from '@netstage/devices';
 * const kernel = Kernel.boot({ layers: [devicesLayer()] });
 * const lo = netdev(kernel).loopback(kernel.initNet);
 * if (lo) linkInfo(lo).mtu; // 65536
 * ```
 */
export function linkInfo(dev: NetDevice): LinkInfo {
  const base = {
    ifindex: dev.ifindex,
    name: dev.name,
    kind: dev.kind,
    linkType: dev.linkType,
    flags: dev.flags,
    mtu: dev.mtu,
    qdisc: dev.qdisc,
    operstate: dev.operstate,
    txQueueLen: dev.txQueueLen,
    address: dev.mac,
    broadcast: dev.broadcast,
    stats: dev.getStats(),
  };
  const peer = dev instanceof VethDevice ? dev.peer : undefined;
  if (peer === undefined) return base;
  return { ...base, peer: { ifindex: peer.ifindex, name: peer.name, net: peer.net, up: peer.up } };
}
