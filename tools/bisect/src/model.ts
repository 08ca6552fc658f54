/**
 * The reference model: what the namespaces, tasks, handles and names should be, kept
 * by the simplest bookkeeping that can be right, and the invariant checks that compare
 * it with a real kernel.
 *
 * @module
 */

import type { Kernel, Net, StageSelection, Task } from '@netstage/core-net';
import { netdev, type NetDevice } from '@netstage/devices';
import { RT_TABLE, ipv4, ipv4Stack, ipv4ToString } from '@netstage/ipv4';
import { SOCKET_STAGES, UDP, type UdpSocket } from '@netstage/sockets';
import { PROBE } from './probe-layer.js';

/**
 * An open file description and how many descriptors share it: a namespace handle, or
 * (with `sock`) a UDP socket — both hold a counted reference to `ns`.
 */
export interface ModelFile {
  readonly ns: number;
  fds: number;
  /** Set for a socket: the socket's state. */
  readonly sock?: ModelSock;
  /** Set for an open `/proc` file (it pins its namespace, and is not a namespace file). */
  readonly proc?: true;
}

/** A UDP socket as the model sees it; it lives while its file has descriptors. */
export interface ModelSock {
  readonly id: number;
  /** The namespace it was created in (fixed for its life). */
  readonly ns: number;
  /** Bound (by `bind`, or by a send picking an ephemeral port). */
  bound: boolean;
  /** The harness port it is bound to; undefined when unbound or on an ephemeral port. */
  port: number | undefined;
  /** Payloads waiting in its receive queue, oldest first. */
  readonly queue: string[];
  /** Its file, once installed. */
  file: ModelFile | undefined;
}

/** A task: its pid, namespace and descriptor table. */
export interface ModelTask {
  readonly pid: number;
  ns: number;
  fds: (ModelFile | undefined)[];
}

/** A namespace: whether it is alive, and its probe value. */
export interface ModelNs {
  readonly id: number;
  alive: boolean;
  value: number;
  /** Blackhole routes in the main table, as `a.b.c.d/len`. */
  blackholes: Set<string>;
  /** The `/proc/sys/net` values the harness writes, by key (`core/somaxconn`); defaults until written. */
  sysctls: Map<string, number>;
}

/** A permanent neighbour entry the harness added. */
export interface ModelNeigh {
  readonly dev: ModelDev;
  readonly k: number;
}

/** A network device as the model sees it. */
export interface ModelDev {
  readonly id: number;
  readonly kind: 'loopback' | 'veth' | 'dummy';
  ns: number;
  name: string;
  up: boolean;
  peer: ModelDev | undefined;
  alive: boolean;
  /** IPv4 addresses as `a.b.c.d/len`. */
  addrs: Set<string>;
}

/** Which stages are on, as the model needs them. */
export interface ModelStages {
  readonly task: boolean;
  readonly clone: boolean;
  readonly probe: boolean;
  readonly loopback: boolean;
  readonly rtnlSocket: boolean;
  readonly rtnlLink: boolean;
  readonly virtualExit: boolean;
  readonly rx: boolean;
  readonly moveNetlink: boolean;
  readonly inetdev: boolean;
  readonly addrMethods: boolean;
  readonly routeMethods: boolean;
  readonly ipRcv: boolean;
  readonly icmp: boolean;
  readonly neigh: boolean;
  /** Every stage UDP sockets need: `socket(AF_INET, SOCK_DGRAM)` works outside initNet. */
  readonly sockets: boolean;
  /** `udp-lookup-per-ns`: each namespace has its own UDP port table. */
  readonly udpLookup: boolean;
  /** Every stage that is on, by id (procfs files and sysctls are predicted from these). */
  readonly on: ReadonlySet<string>;
}

/** Read the model's stage flags off a selection. */
export function modelStages(selection: StageSelection): ModelStages {
  const on = new Set(selection.ids());
  return {
    task: on.has('net-ns-task'),
    clone: on.has('net-ns-clone'),
    probe: on.has('probe-per-ns'),
    loopback: on.has('loopback-per-ns'),
    rtnlSocket: on.has('rtnl-netns-socket'),
    rtnlLink: on.has('rtnl-link-methods'),
    virtualExit: on.has('virt-dev-delete-on-exit'),
    rx: on.has('dev-rx-ns-safe'),
    moveNetlink: on.has('dev-move-netlink'),
    inetdev: on.has('inetdev-events-per-ns'),
    addrMethods: on.has('ipv4-addr-methods'),
    routeMethods: on.has('fib-route-methods'),
    ipRcv: on.has('ip-rcv-per-protocol'),
    icmp: on.has('icmp-per-ns'),
    neigh: on.has('neigh-per-ns'),
    sockets: [SOCKET_STAGES.sockTag, SOCKET_STAGES.createSafe, SOCKET_STAGES.udpLookup, SOCKET_STAGES.inetCreate, SOCKET_STAGES.netnsOk].every((id) => on.has(id)),
    udpLookup: on.has(SOCKET_STAGES.udpLookup),
    on,
  };
}

/** The reference model. */
export class Model {
  readonly tasks: ModelTask[];
  readonly nss: ModelNs[] = [{ id: 0, alive: true, value: 0, blackholes: new Set(), sysctls: new Map() }];
  /** name → namespace, in creation order. */
  readonly names = new Map<string, number>();
  /** Every device ever made, alive or not. */
  readonly devs: ModelDev[] = [];
  /** Permanent neighbour entries, alive while their device stays where it was. */
  neighs: ModelNeigh[] = [];
  /** Every socket ever made, open or closed. */
  readonly socks: ModelSock[] = [];
  /** Namespaces whose last reference went, oldest first, until the queue tears them down. */
  readonly pendingTeardown: number[] = [];
  #nextPid = 2;

  constructor(readonly stages: ModelStages) {
    this.tasks = [{ pid: 1, ns: 0, fds: [] }];
    this.addDev('loopback', 0, 'lo');
  }

  /** A new device. */
  addDev(kind: ModelDev['kind'], ns: number, name: string): ModelDev {
    const dev: ModelDev = { id: this.devs.length, kind, ns, name, up: false, peer: undefined, alive: true, addrs: new Set() };
    this.devs.push(dev);
    return dev;
  }

  /** The live device called `name` in `ns`. */
  dev(ns: number, name: string): ModelDev | undefined {
    return this.devs.find((d) => d.alive && d.ns === ns && d.name === name);
  }

  /** The live devices of `ns`. */
  devsOf(ns: number): ModelDev[] {
    return this.devs.filter((d) => d.alive && d.ns === ns);
  }

  /** Delete a device (and a veth's peer). */
  deleteDev(dev: ModelDev): void {
    dev.alive = false;
    dev.up = false;
    this.forgetNeighs(dev);
    if (dev.peer !== undefined) {
      dev.peer.alive = false;
      dev.peer.up = false;
      this.forgetNeighs(dev.peer);
    }
  }

  /** A device left its namespace or went away: `neigh_ifdown` takes its entries. */
  forgetNeighs(dev: ModelDev): void {
    this.neighs = this.neighs.filter((n) => n.dev !== dev);
  }

  /**
   * Run the queued teardowns, oldest first, as `cleanup_net` does: each namespace's
   * virtual devices are deleted (with `virt-dev-delete-on-exit`) or, like every other
   * device but lo, go back to initNet under their name, `dev<ifindex>` or `dev%d`; lo
   * goes last. `ifindexOf` reads a device's current ifindex from the kernel. Returns the
   * ids of the devices it moved or deleted (their backlogs are gone).
   */
  teardown(ifindexOf: (dev: ModelDev) => number): Set<number> {
    const touched = new Set<number>();
    while (this.pendingTeardown.length > 0) {
      const ns = this.pendingTeardown.shift() as number;
      const devs = this.devsOf(ns)
        .filter((d) => d.kind !== 'loopback')
        .sort((a, b) => ifindexOf(a) - ifindexOf(b));
      for (const d of devs) {
        if (!d.alive || d.ns !== ns) continue;
        touched.add(d.id);
        if (d.peer !== undefined) touched.add(d.peer.id);
        if (this.stages.virtualExit) {
          this.deleteDev(d);
          continue;
        }
        let name = d.name;
        if (this.dev(0, name) !== undefined) {
          name = `dev${ifindexOf(d)}`;
          for (let i = 0; this.dev(0, name) !== undefined; i++) name = `dev${i}`;
        }
        d.ns = 0;
        d.name = name;
        d.up = false;
        d.addrs.clear();
        this.forgetNeighs(d);
      }
      for (const d of this.devsOf(ns)) {
        touched.add(d.id);
        this.deleteDev(d);
      }
    }
    return touched;
  }

  /**
   * The tasks commands act through: every task but pid 1, which stays in initNet as
   * init does. There is always at least one (Exit keeps the last).
   */
  actors(): ModelTask[] {
    return this.tasks.slice(1);
  }

  /** Counted references the model expects on a namespace. */
  refs(ns: number): number {
    let n = ns === 0 ? 1 : 0; // the kernel's own reference on initNet
    const files = new Set<ModelFile>();
    for (const t of this.tasks) {
      if (t.ns === ns) n++;
      for (const f of t.fds) if (f !== undefined && f.ns === ns) files.add(f);
    }
    for (const v of this.names.values()) if (v === ns) n++;
    return n + files.size;
  }

  /** A new namespace, with its lo when `loopback-per-ns` is on. */
  newNs(): number {
    const id = this.nss.length;
    this.nss.push({ id, alive: true, value: 0, blackholes: new Set(), sysctls: new Map() });
    if (this.stages.loopback) this.addDev('loopback', id, 'lo');
    return id;
  }

  /** A new task in `ns` with a copy of `fds` (each file gains a descriptor). */
  spawn(ns: number, fds: readonly (ModelFile | undefined)[]): ModelTask {
    for (const f of fds) if (f !== undefined) f.fds++;
    const task: ModelTask = { pid: this.#nextPid++, ns, fds: fds.slice() };
    this.tasks.push(task);
    return task;
  }

  /** Install a file in the lowest free descriptor. */
  install(task: ModelTask, file: ModelFile): number {
    file.fds++;
    let fd = task.fds.indexOf(undefined);
    if (fd < 0) fd = task.fds.length;
    task.fds[fd] = file;
    return fd;
  }

  /** Close a descriptor. */
  close(task: ModelTask, fd: number): void {
    const f = task.fds[fd] as ModelFile;
    task.fds[fd] = undefined;
    f.fds--;
  }

  /** Exit a task. */
  exit(task: ModelTask): void {
    for (let fd = 0; fd < task.fds.length; fd++) if (task.fds[fd] !== undefined) this.close(task, fd);
    this.tasks.splice(this.tasks.indexOf(task), 1);
  }

  /** Mark namespaces with no references dead, queueing their teardown; call after every step. */
  settle(): void {
    for (const ns of this.nss) {
      if (ns.alive && this.refs(ns.id) === 0) {
        ns.alive = false;
        this.pendingTeardown.push(ns.id);
      }
    }
  }

  /** A new, unbound socket in `ns` (install its file next). */
  newSock(ns: number): ModelSock {
    const sock: ModelSock = { id: this.socks.length, ns, bound: false, port: undefined, queue: [], file: undefined };
    this.socks.push(sock);
    return sock;
  }

  /** The sockets still open (some descriptor refers to them). */
  openSocks(): ModelSock[] {
    return this.socks.filter((s) => s.file !== undefined && s.file.fds > 0);
  }

  /** The open socket of `ns` bound to harness port `port`. */
  sockOnPort(ns: number, port: number): ModelSock | undefined {
    return this.openSocks().find((s) => s.ns === ns && s.port === port);
  }

  /** Whether a non-initial namespace can hold its own probe value. */
  probeOpen(ns: number): boolean {
    return ns === 0 || this.stages.probe;
  }
}

/** The real side: a kernel, the model-id → Net mapping, and model device → NetDevice. */
export class Real {
  readonly nets: Net[];
  readonly devs = new Map<number, NetDevice>();
  /** Frames the harness's handler received, as `netId:devname`. */
  readonly received: string[] = [];
  /** Echo replies seen, as `model namespace:source address`. */
  readonly echoReplies: string[] = [];
  /** Model socket id → kernel socket. */
  readonly socks = new Map<number, UdpSocket>();
  constructor(readonly kernel: Kernel) {
    this.nets = [kernel.initNet];
    const lo = netdev(kernel).loopback(kernel.initNet);
    if (lo !== undefined) this.devs.set(0, lo);
  }

  /** The kernel device behind a model device. */
  device(dev: ModelDev): NetDevice {
    const d = this.devs.get(dev.id);
    if (d === undefined) throw new Error(`harness: model device ${dev.id} (${dev.name}) has no kernel device`);
    return d;
  }

  task(pid: number): Task {
    const t = this.kernel.task(pid);
    if (t === undefined) throw new Error(`harness: no task ${pid} in the kernel`);
    return t;
  }
}

function fail(message: string): never {
  throw new Error(`invariant broken: ${message}`);
}

/**
 * Compare every observable the model predicts with the kernel: live namespaces and
 * their reference counts, hidden and torn-down ones, tasks and their namespaces, names,
 * and the probe state of every namespace (isolation) and of initNet (init equivalence).
 */
export function checkInvariants(model: Model, real: Real): void {
  const k = real.kernel;
  model.settle();
  const alive = model.nss.filter((n) => n.alive);
  if (k.netCount !== alive.length) fail(`kernel has ${k.netCount} live namespaces, model ${alive.length}`);
  for (const ns of model.nss) {
    const net = real.nets[ns.id];
    if (net === undefined) fail(`model namespace ${ns.id} has no kernel namespace`);
    if (ns.alive) {
      if (net.lifecycle !== 'alive') fail(`namespace ${ns.id} is ${net.lifecycle} but still referenced`);
      if (k.netById(net.id) !== net) fail(`namespace ${ns.id} is alive but hidden from lookups`);
      const want = model.refs(ns.id);
      if (net.refs !== want) fail(`namespace ${ns.id} holds ${net.refs} references, model says ${want}`);
      if (model.probeOpen(ns.id)) {
        const got = net.state(PROBE).value;
        if (got !== ns.value) {
          fail(`${ns.id === 0 ? 'init equivalence' : 'isolation'}: namespace ${ns.id} probe value ${got}, model ${ns.value}`);
        }
      } else if (net.hasOwnState(PROBE)) {
        fail(`namespace ${ns.id} has its own probe state while its stage is off`);
      }
    } else {
      if (net.lifecycle === 'alive') fail(`namespace ${ns.id} outlives its last reference`);
      if (k.netById(net.id) !== undefined) fail(`namespace ${ns.id} is dying but still found by id`);
      if (net.refs !== 0) fail(`namespace ${ns.id} is dying with ${net.refs} references`);
    }
  }
  const tasks = k.tasks();
  if (tasks.length !== model.tasks.length) fail(`kernel has ${tasks.length} tasks, model ${model.tasks.length}`);
  for (const mt of model.tasks) {
    const t = real.task(mt.pid);
    if (t.net !== real.nets[mt.ns]) fail(`task ${mt.pid} is in namespace ${t.net.id}, model says ${mt.ns}`);
    if (t.fdCount !== mt.fds.filter((f) => f !== undefined).length) fail(`task ${mt.pid} descriptor count differs`);
  }
  checkDevices(model, real);
  checkIpv4(model, real);
  checkSockets(model, real);
  const names = [...model.names.keys()].reverse();
  const listed = k.netns.list();
  if (listed.join(',') !== names.join(',')) fail(`ip netns list gives [${listed.join(',')}], model [${names.join(',')}]`);
  for (const [name, ns] of model.names) {
    if (k.netns.get(name) !== real.nets[ns]) fail(`name ${name} is bound to the wrong namespace`);
  }
}

/** After the queue has drained: every let-go namespace is torn down with empty slots. */
export function checkTornDown(model: Model, real: Real): void {
  if (real.kernel.dyingCount !== 0) fail(`${real.kernel.dyingCount} namespaces still dying after the queue drained`);
  for (const ns of model.nss) {
    const net = real.nets[ns.id] as Net;
    if (!ns.alive && (net.lifecycle !== 'dead' || net.filledSlots !== 0)) {
      fail(`namespace ${ns.id} is ${net.lifecycle} with ${net.filledSlots} state slots after teardown`);
    }
  }
}

/**
 * Devices: every namespace that still has its devices (alive, or dying with its
 * teardown not run yet) lists exactly the model's, by name, kind, up state and veth peer;
 * every device the model deleted is unregistered. Nothing shows in a namespace it was not
 * put in — isolation of the device lists.
 */
function checkDevices(model: Model, real: Real): void {
  const core = netdev(real.kernel);
  const pending = new Set(model.pendingTeardown);
  for (const ns of model.nss) {
    if (!ns.alive && !pending.has(ns.id)) continue;
    const net = real.nets[ns.id] as Net;
    const want = model
      .devsOf(ns.id)
      .map((d) => `${d.name}/${d.kind}/${d.up ? 'up' : 'down'}/${d.peer === undefined ? '-' : `${d.peer.ns}:${d.peer.name}`}`)
      .sort();
    const got = core
      .devices(net)
      .map((d) => {
        const peer = 'peer' in d ? (d as { peer: NetDevice | undefined }).peer : undefined;
        const peerNs = peer === undefined ? -1 : real.nets.indexOf(peer.net);
        return `${d.name}/${d.kind}/${d.up ? 'up' : 'down'}/${peer === undefined ? '-' : `${peerNs}:${peer.name}`}`;
      })
      .sort();
    if (want.join(' ') !== got.join(' ')) {
      fail(`isolation: namespace ${ns.id} has devices [${got.join(' ')}], model [${want.join(' ')}]`);
    }
  }
  for (const d of model.devs) {
    const dev = real.devs.get(d.id);
    if (dev === undefined) continue;
    if (!d.alive && dev.registered) fail(`device ${d.name} outlives its deletion`);
    if (d.alive && (!dev.registered || dev.net !== real.nets[d.ns])) fail(`device ${d.name} is not where the model put it`);
  }
}

/**
 * IPv4: every device's addresses and every namespace's blackhole routes are exactly the
 * model's — nothing configured in one namespace shows in another.
 */
function checkIpv4(model: Model, real: Real): void {
  const ip = ipv4(real.kernel);
  const pending = new Set(model.pendingTeardown);
  for (const ns of model.nss) {
    if (!ns.alive && !pending.has(ns.id)) continue;
    const net = real.nets[ns.id] as Net;
    for (const d of model.devsOf(ns.id)) {
      const dev = netdev(real.kernel).byName(net, d.name);
      if (dev === undefined) fail(`device ${d.name} missing from namespace ${ns.id}`);
      const got = ip.addresses(dev).map((a) => `${ipv4ToString(a.local)}/${a.prefixLen}`).sort().join(' ');
      const want = [...d.addrs].sort().join(' ');
      if (got !== want) fail(`isolation: ${ns.id}:${d.name} has addresses [${got}], model [${want}]`);
    }
    const neighsGot = ipv4Stack(real.kernel)
      .neighbourEntries(net)
      .map((n) => `${n.dev.name}:${ipv4ToString(n.ip)}`)
      .sort()
      .join(' ');
    const neighsWant = model.neighs
      .filter((n) => n.dev.ns === ns.id)
      .map((n) => `${n.dev.name}:10.66.0.${n.k}`)
      .sort()
      .join(' ');
    if (neighsGot !== neighsWant) fail(`isolation: namespace ${ns.id} has neighbours [${neighsGot}], model [${neighsWant}]`);
    const table = ip.table(net, RT_TABLE.MAIN);
    const got = (table?.routes() ?? []).filter((r) => r.type === 'blackhole').map((r) => `${ipv4ToString(r.dst)}/${r.prefixLen}`).sort().join(' ');
    const want = [...ns.blackholes].sort().join(' ');
    if (got !== want) fail(`isolation: namespace ${ns.id} has blackholes [${got}], model [${want}]`);
  }
}

/**
 * Sockets: every socket the model has open is open in the kernel, in its namespace,
 * bound as the model says, with exactly the model's number of datagrams waiting — a
 * datagram queued anywhere the model did not send it fails here (isolation); every
 * socket the model closed is released. Each namespace's UDP port table holds exactly its
 * own bound sockets.
 */
function checkSockets(model: Model, real: Real): void {
  const open = new Set(model.openSocks());
  for (const ms of model.socks) {
    const s = real.socks.get(ms.id);
    if (s === undefined) fail(`model socket ${ms.id} has no kernel socket`);
    if (!open.has(ms)) {
      if (!s.closed) fail(`socket ${ms.id} outlives its last descriptor`);
      continue;
    }
    if (s.closed) fail(`socket ${ms.id} is released, model has it open`);
    if (s.net !== real.nets[ms.ns]) fail(`socket ${ms.id} is in namespace ${s.net.id}, model says ${ms.ns}`);
    if ((s.local.port !== 0) !== ms.bound) fail(`socket ${ms.id} bound to port ${s.local.port}, model says ${ms.bound ? 'bound' : 'unbound'}`);
    if (ms.port !== undefined && s.local.port !== ms.port) fail(`socket ${ms.id} bound to port ${s.local.port}, model ${ms.port}`);
    if (s.queueLength !== ms.queue.length) {
      fail(`isolation: socket ${ms.id} (namespace ${ms.ns}) has ${s.queueLength} datagrams waiting, model ${ms.queue.length}`);
    }
  }
  for (const ns of model.nss) {
    // Without per-namespace UDP lookup every namespace's slot is initNet's table.
    if (!ns.alive || (ns.id !== 0 && !model.stages.udpLookup)) continue;
    const table = (real.nets[ns.id] as Net).state(UDP).byPort;
    const got = [...table.values()].reduce((n, list) => n + list.length, 0);
    const want = [...open].filter((s) => s.ns === ns.id && s.bound).length;
    if (got !== want) fail(`isolation: namespace ${ns.id} has ${got} bound UDP sockets, model ${want}`);
  }
}
