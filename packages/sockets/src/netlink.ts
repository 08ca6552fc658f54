/**
 * AF_NETLINK: a control socket speaking `NETLINK_ROUTE` to the namespace it was created
 * in (`net/netlink/af_netlink.c`, `net/core/rtnetlink.c`), as a typed request API over
 * the link, address and route control surfaces.
 *
 * @module
 */

import { NetError, NetNsFile, defineKernelKey, defineNetKey, type Kernel, type Net, type Stage, type Task } from '@netstage/core-net';
import { LinkControl, type LinkAddRequest, type LinkInfo, type LinkSetRequest } from '@netstage/devices';
import {
  InetControl,
  type AddrInfo,
  type AddrSpec,
  type IfAddr,
  type Route,
  type RouteRequest,
  type RouteResult,
} from '@netstage/ipv4';
import { SOCK_LIST, type SockIds } from './sock-list.js';
import { Socket, type SocketFamily, type SocketType } from './socket.js';

/** `NETLINK_ROUTE`: rtnetlink, the only netlink protocol netstage has. */
export const NETLINK_ROUTE = 0;

/** The stage that gives every namespace its own rtnetlink kernel socket (97c53cac). */
const RTNL_SOCKET_STAGE = 'rtnl-netns-socket';

/**
 * A namespace's rtnetlink kernel socket (`net->rtnl`, made by `rtnetlink_net_init`), as
 * far as `/proc/net/netlink` shows it: bound to port 0, with an inode and an identity
 * of its own. Kernel sockets are not counted in `sockets: used`.
 *
 * Every namespace has one from its setup (its inode and serial are taken then, so the
 * numbering of later sockets is Linux's), so it holds only what differs between
 * namespaces — the inode and the serial; what every rtnetlink kernel socket shares is
 * read from the class.
 */
export class NetlinkKernelSocket {
  /** Its inode (`sock_create_kern` allocates one like any socket's). */
  readonly inode: number;
  /** Its allocation serial (see `Socket.serial`). */
  readonly serial: number;

  /** @internal made by the sockets layer's pernet init. */
  constructor(ids: SockIds) {
    this.inode = ids.nextInode();
    this.serial = ids.nextSerial();
  }

  /** `NETLINK_ROUTE`. */
  get protocol(): typeof NETLINK_ROUTE {
    return NETLINK_ROUTE;
  }

  /** Port id 0: the kernel. */
  get portid(): 0 {
    return 0;
  }

  /** Locked as a user socket is: the socket and its place in the table. */
  get refcount(): 2 {
    return 2;
  }
}

/** Each namespace's rtnetlink kernel socket; only initNet has one while `rtnl-netns-socket` is off. */
export const RTNL_SOCK = defineNetKey<NetlinkKernelSocket>('rtnl-sock', { stage: RTNL_SOCKET_STAGE });

/** The smallest negative port id `netlink_autobind` falls back to after a collision is below this. */
const AUTOBIND_ROVER_TOP = -4097;

/**
 * An rtnetlink request, typed instead of encoded: `kind` is the object
 * (`RTM_*LINK`, `RTM_*ADDR`, `RTM_*ROUTE`) and `op` the message type.
 */
export type NetlinkRequest =
  | { readonly kind: 'link'; readonly op: 'show'; readonly name?: string }
  | { readonly kind: 'link'; readonly op: 'add'; readonly link: LinkAddRequest }
  | { readonly kind: 'link'; readonly op: 'del'; readonly name: string }
  | { readonly kind: 'link'; readonly op: 'set'; readonly name: string; readonly change: LinkSetRequest }
  | { readonly kind: 'addr'; readonly op: 'show'; readonly dev?: string }
  | { readonly kind: 'addr'; readonly op: 'add'; readonly dev: string; readonly spec: AddrSpec }
  | { readonly kind: 'addr'; readonly op: 'del'; readonly dev: string; readonly local: number; readonly prefixLen?: number }
  | { readonly kind: 'addr'; readonly op: 'flush'; readonly dev: string }
  | { readonly kind: 'route'; readonly op: 'show'; readonly table?: number | 'all' }
  | { readonly kind: 'route'; readonly op: 'add' | 'replace'; readonly route: RouteRequest }
  | { readonly kind: 'route'; readonly op: 'del'; readonly route: RouteRequest }
  | { readonly kind: 'route'; readonly op: 'get'; readonly dst: number };

/**
 * What a request answers: the dump for `show`, the new object for `add`, the route for
 * route changes and lookups, nothing (an ack) for the rest.
 */
export type NetlinkReply<R extends NetlinkRequest> = R extends { kind: 'link'; op: 'show' }
  ? LinkInfo[]
  : R extends { kind: 'link'; op: 'add' }
    ? LinkInfo
    : R extends { kind: 'addr'; op: 'show' }
      ? AddrInfo[]
      : R extends { kind: 'addr'; op: 'add' }
        ? IfAddr
        : R extends { kind: 'route'; op: 'show' }
          ? Route[]
          : R extends { kind: 'route'; op: 'get' }
            ? RouteResult
            : R extends { kind: 'route' }
              ? Route
              : undefined;

/**
 * A netlink socket. It talks to the kernel side of its protocol in the namespace it was
 * created in, for its whole life: a task that moves with `setns` keeps configuring the
 * namespace its socket belongs to, as `ip -n` relies on (patch 12: every netlink socket
 * lives in exactly one namespace, and lookups filter on it).
 *
 * While `rtnl-netns-socket` is off, only initNet has an rtnetlink kernel socket: a
 * request from a socket in any other namespace is refused with ECONNREFUSED, exactly as
 * if the protocol were not compiled in, and changes nothing.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { NetlinkSocket, socketLayer, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const sh = kernel.initTask;
 * const sockets = socketLayer(kernel);
 * const fd = sockets.socket(sh, 'netlink', 'raw');
 * const nl = sockets.fdSocket(sh, fd) as NetlinkSocket;
 * nl.request({ kind: 'link', op: 'show' }).map((l) => l.name); // ['lo']
 * sh.close(fd);
 * ```
 */
export class NetlinkSocket extends Socket {
  readonly #family: NetlinkProtocol;
  #portid = 0;

  /** @internal made by {@link NetlinkProtocol.create}. */
  constructor(family: NetlinkProtocol, net: Net, type: SocketType, protocol: number) {
    super(net, 'netlink', type, protocol);
    this.#family = family;
  }

  /** Its port id (`nl_pid` as `getsockname` reports it, unsigned); 0 while unbound. */
  get portid(): number {
    return this.#portid;
  }

  /** Two once bound (the port table holds it), else one. */
  override get refcount(): number {
    return this.#portid !== 0 ? 2 : 1;
  }

  /**
   * `bind(2)` (`netlink_bind`): to port id `portid` in the socket's namespace, or, for 0,
   * autobind (`netlink_autobind`): the caller's process id if free, else a random
   * negative id (printed unsigned). Binding again to the same id does nothing.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { NetlinkSocket, socketLayer, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const sh = kernel.initTask;
   * const fd = socketLayer(kernel).socket(sh, 'netlink', 'raw');
   * const nl = socketLayer(kernel).fdSocket(sh, fd) as NetlinkSocket;
   * nl.bind(0, sh);
   * nl.portid === sh.pid; // true
   * sh.close(fd);
   * ```
   *
   * @throws NetError EINVAL when bound to another id already; EADDRINUSE when `portid`
   *   is taken in the socket's namespace.
   */
  bind(portid = 0, caller?: Task): void {
    const want = portid >>> 0;
    if (this.#portid !== 0) {
      if (want === 0 || want === this.#portid) return;
      throw new NetError('EINVAL', { syscall: 'bind' });
    }
    if (want !== 0 && this.#family.portTaken(this.net, want)) throw new NetError('EADDRINUSE', { syscall: 'bind' });
    this.#portid = want !== 0 ? want : this.#family.autobindId(this.net, caller);
    this._stampHash();
  }

  /**
   * Send one request to the kernel and take its answer (`sendmsg` then `recvmsg` of
   * the reply or ack). It runs in the socket's namespace, whatever namespace `caller`
   * is in now; `caller` is the task that sends, whose descriptors a request's
   * `netns: { fd }` refers to (default: the init task).
   *
   * @throws NetError EBADF on a closed socket; ECONNREFUSED outside initNet before
   *   `rtnl-netns-socket`; otherwise what the link or address/route control raised,
   *   with the errno and message `ip` would show.
   */
  request<R extends NetlinkRequest>(req: R, caller?: Task): NetlinkReply<R> {
    if (this.closed) throw new NetError('EBADF', { syscall: 'sendmsg' });
    const e = this.takeError();
    if (e !== undefined) throw e;
    // netlink_sendmsg: an unbound socket is autobound first.
    if (this.#portid === 0) this.bind(0, caller);
    return this.#family.dispatch(this.net, req, caller) as NetlinkReply<R>;
  }

  protected closeProtocol(): void {
    // No multicast groups or pending dumps to drop yet.
  }
}

/**
 * The AF_NETLINK family (`netlink_family_ops`): SOCK_RAW and SOCK_DGRAM (the same to
 * netlink), `NETLINK_ROUTE` only. Not fenced: socket(AF_NETLINK) never failed with
 * EAFNOSUPPORT, in any namespace (reference §1, patch 08).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { NetlinkProtocol } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
 * new NetlinkProtocol(kernel).fenced; // false
 * ```
 */
export class NetlinkProtocol implements SocketFamily {
  /** `AF_NETLINK`. */
  readonly family = 'netlink' as const;
  /** Never behind the creation fence. */
  readonly fenced = false;
  readonly #kernel: Kernel;
  readonly #socket: Stage;
  #links: LinkControl | undefined;
  #inet: InetControl | undefined;

  /** The family for `kernel` (booted with devices and ipv4). */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#socket = kernel.manifest.stage(RTNL_SOCKET_STAGE);
  }

  /**
   * The rtnetlink kernel socket of `net`; `undefined` in a namespace other than initNet
   * while `rtnl-netns-socket` is off (patch 12 made one for init_net only).
   */
  kernelSocket(net: Net): NetlinkKernelSocket | undefined {
    if (!net.isInit && !this.#kernel.stages.isOn(this.#socket)) return undefined;
    return net.hasOwnState(RTNL_SOCK) ? net.state(RTNL_SOCK) : undefined;
  }

  /**
   * The bound user netlink sockets of `net`, in the order they were bound. Unbound
   * sockets are in no table and not listed.
   *
   * @remarks
   * `/proc/net/netlink` walks each protocol's rhashtable (`netlink_walk_start`), whose
   * order follows a hash seeded at random; netstage's order (kernel socket, then user
   * sockets as bound) is its own choice.
   */
  sockets(net: Net): NetlinkSocket[] {
    const out: NetlinkSocket[] = [];
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof NetlinkSocket && s.portid !== 0) out.push(s);
    return out.sort((a, b) => a.hashStamp - b.hashStamp);
  }

  /** @internal whether `portid` is bound in `net` (`__netlink_lookup`); port 0 is the kernel's. */
  portTaken(net: Net, portid: number): boolean {
    if (portid === 0) return this.kernelSocket(net) !== undefined;
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof NetlinkSocket && s.portid === portid) return true;
    return false;
  }

  /**
   * @internal `netlink_autobind`: the caller's process id (`task_tgid_vnr`), else a
   * random id in [S32_MIN, -4097] from the kernel's seeded PRNG, as unsigned.
   */
  autobindId(net: Net, caller: Task | undefined): number {
    const pid = (caller ?? this.#kernel.initTask).pid;
    if (!this.portTaken(net, pid)) return pid;
    for (;;) {
      const id = (AUTOBIND_ROVER_TOP - this.#kernel.random.nextInt(2 ** 31 + AUTOBIND_ROVER_TOP + 1)) >>> 0;
      if (!this.portTaken(net, id)) return id;
    }
  }

  /** No stages: netlink socket creation is never refused. */
  stagesFor(): readonly string[] {
    return [];
  }

  /**
   * `netlink_create`.
   *
   * @throws NetError ESOCKTNOSUPPORT for a type other than raw or dgram;
   *   EPROTONOSUPPORT for a protocol other than `NETLINK_ROUTE`.
   */
  create(net: Net, type: SocketType, protocol: number): NetlinkSocket {
    if (type !== 'raw' && type !== 'dgram') throw new NetError('ESOCKTNOSUPPORT', { syscall: 'socket' });
    if (protocol !== NETLINK_ROUTE) throw new NetError('EPROTONOSUPPORT', { syscall: 'socket' });
    return new NetlinkSocket(this, net, type, protocol);
  }

  /**
   * @internal {@link NetlinkSocket.request}: refuse while `net` has no rtnetlink kernel
   * socket, else run the handler as a kernel-internal task in `net` (a fork of `caller`
   * that has joined `net`), exited afterwards whatever happened.
   */
  dispatch(net: Net, req: NetlinkRequest, caller: Task | undefined): unknown {
    if (!this.#kernel.stages.gate(this.#socket, net)) throw new NetError('ECONNREFUSED', { syscall: 'sendmsg' });
    const task = (caller ?? this.#kernel.initTask).fork();
    try {
      const fd = task.install(new NetNsFile(net));
      task.setns(fd);
      task.close(fd);
      return this.#handle(task, req);
    } finally {
      task.exit();
    }
  }

  #handle(task: Task, req: NetlinkRequest): unknown {
    this.#links ??= new LinkControl(this.#kernel);
    this.#inet ??= new InetControl(this.#kernel);
    const links = this.#links;
    const inet = this.#inet;
    switch (req.kind) {
      case 'link':
        switch (req.op) {
          case 'show':
            return links.show(task, req.name);
          case 'add':
            return links.add(task, req.link);
          case 'del':
            links.del(task, req.name);
            return undefined;
          case 'set':
            links.set(task, req.name, req.change);
            return undefined;
        }
        break;
      case 'addr':
        switch (req.op) {
          case 'show':
            return inet.showAddresses(task, req.dev);
          case 'add':
            return inet.addAddress(task, req.dev, req.spec);
          case 'del':
            inet.deleteAddress(task, req.dev, req.local, req.prefixLen);
            return undefined;
          case 'flush':
            inet.flushAddresses(task, req.dev);
            return undefined;
        }
        break;
      case 'route':
        switch (req.op) {
          case 'show':
            return inet.showRoutes(task, req.table);
          case 'add':
          case 'replace':
            return inet.addRoute(task, req.route, req.op);
          case 'del':
            return inet.deleteRoute(task, req.route);
          case 'get':
            return inet.routeGet(task, req.dst);
        }
    }
    throw new NetError('EOPNOTSUPP', { syscall: 'sendmsg' });
  }
}

/** The kernel's AF_NETLINK family. */
export const NETLINK_FAMILY = defineKernelKey<NetlinkProtocol>('netlink-family');

/**
 * The AF_NETLINK family of a kernel booted with the sockets layer: each namespace's
 * kernel and bound user sockets.
 *
 * @throws Error when the sockets layer is not registered.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { netlinkProtocol, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * netlinkProtocol(kernel).kernelSocket(kernel.initNet)?.portid; // 0
 * ```
 */
export function netlinkProtocol(kernel: Kernel): NetlinkProtocol {
  return kernel.state(NETLINK_FAMILY);
}
