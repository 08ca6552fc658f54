/**
 * The socket layer: `Socket` on a task's descriptor table, holding its namespace, and
 * the system calls that reach it (`net/socket.c`).
 *
 * @module
 */

import { NetError, OpenFile, defineKernelKey, type Kernel, type Net, type Stage, type Task } from '@netstage/core-net';
import { SOCK_IDS, SOCK_LIST } from './sock-list.js';
import { SOCKET_STAGES } from './stages.js';

/** Address families netstage knows (`AF_*`). */
export type Family = 'inet' | 'inet6' | 'unix' | 'packet' | 'netlink';

/** Socket types (`SOCK_*`). */
export type SocketType = 'stream' | 'dgram' | 'raw';

/** `net.core.rmem_default`: a socket's receive buffer unless `SO_RCVBUF` says otherwise. */
export const RMEM_DEFAULT = 212_992;

/** `net.core.rmem_max`: the most `SO_RCVBUF` may ask for (it is then doubled). */
export const RMEM_MAX = 212_992;

/** `SOCK_MIN_RCVBUF` on x86-64: the least `SO_RCVBUF` leaves (`include/net/sock.h`). */
export const SOCK_MIN_RCVBUF = 2304;

/** Socket option levels (`SOL_*`). */
export const SOL = { IP: 0, SOCKET: 1, TCP: 6, UDP: 17 } as const;

/**
 * `SOL_SOCKET` options netstage has (`include/uapi/asm-generic/socket.h`). `TYPE`,
 * `ERROR`, `PROTOCOL` and `DOMAIN` are read-only.
 */
export const SO = { REUSEADDR: 2, TYPE: 3, ERROR: 4, RCVBUF: 8, REUSEPORT: 15, PROTOCOL: 38, DOMAIN: 39 } as const;

/** `SOL_IP` options netstage has (`include/uapi/linux/in.h`): `IP_TTL`. */
export const IP = { TTL: 2 } as const;

const AF_NUMBER: Readonly<Record<Family, number>> = { unix: 1, inet: 2, inet6: 10, netlink: 16, packet: 17 };
const SOCK_NUMBER: Readonly<Record<SocketType, number>> = { stream: 1, dgram: 2, raw: 3 };

/** An IPv4 socket address. */
export interface SockAddrIn {
  /** Address as a 32-bit number; 0 is INADDR_ANY. */
  readonly address: number;
  /** Port, 0..65535. */
  readonly port: number;
}

/**
 * A socket: an open file that holds a counted reference to the namespace it was
 * created in, for its whole life — a task that moves with `setns` leaves its sockets
 * where they were (reference §3.5), and a namespace with only a socket left stays
 * alive until it closes (transcript 4.G).
 *
 * @remarks
 * `struct socket` + `struct sock`, `sk_alloc(net, …)` taking `get_net` (patch 08).
 */
export abstract class Socket extends OpenFile {
  /** The namespace, fixed at creation. */
  readonly net: Net;
  /** Pending error (`sk_err`), reported once by the next call. */
  protected pendingError: NetError | undefined;
  /** `SO_RCVBUF` (`sk_rcvbuf`): bytes the receive queue may hold. */
  rcvbuf = RMEM_DEFAULT;
  /** `SO_REUSEADDR`. */
  reuseAddr = false;
  /** `SO_REUSEPORT`. */
  reusePort = false;
  /**
   * A kernel-wide serial number fixed at allocation, unique for the kernel's life: what
   * stands in for the `struct sock` address (`/proc/net` files print a stand-in pointer
   * derived from it).
   */
  readonly serial: number;
  #inode: number;
  #hashStamp = 0;

  /**
   * @param embryo - a connection made by `connect` for a listener (`unix_stream_connect`'s
   *   `newsk`): it has no `struct socket` yet, so no inode, until `accept` grafts one.
   */
  protected constructor(
    net: Net,
    /** The family. */
    readonly family: Family,
    /** The type. */
    readonly type: SocketType,
    /** The protocol number. */
    readonly protocol: number,
    embryo = false,
  ) {
    super();
    net.get();
    this.net = net;
    const ids = net.kernel.state(SOCK_IDS);
    this.serial = ids.nextSerial();
    this.#inode = embryo ? 0 : ids.nextInode();
    net.state(SOCK_LIST)._add(this);
  }

  /**
   * The inode number of the socket's file (`sock_i_ino`), from one kernel-wide counter
   * (see `SOCK_INODE_FIRST`); 0 for a connection not yet accepted.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { socketLayer, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const layer = socketLayer(kernel);
   * const a = layer.fdSocket(kernel.initTask, layer.socket(kernel.initTask, 'inet', 'dgram'));
   * const b = layer.fdSocket(kernel.initTask, layer.socket(kernel.initTask, 'inet', 'dgram'));
   * b.inode - a.inode; // 1
   * ```
   */
  get inode(): number {
    return this.#inode;
  }

  /**
   * The socket's reference count as Linux would show it (`sk_refcnt`): one for the
   * socket itself here; each family adds what its tables and peers hold (a hash chain
   * holds one, `sk_add_node` → `sock_hold`).
   */
  get refcount(): number {
    return 1;
  }

  /** When the socket last entered a hash chain (`SockIds.nextStamp`); 0: never. */
  get hashStamp(): number {
    return this.#hashStamp;
  }

  /** @internal the protocol: the socket entered a hash chain now (chains add at the head). */
  _stampHash(): void {
    this.#hashStamp = this.net.kernel.state(SOCK_IDS).nextStamp();
  }

  /** `sock_graft` on accept: the connection gets its file, and with it an inode. */
  protected graft(): void {
    if (this.#inode === 0) this.#inode = this.net.kernel.state(SOCK_IDS).nextInode();
  }

  /** Called once when the last descriptor closes: protocol teardown, then the namespace reference goes. */
  protected release(): void {
    this.closeProtocol();
    this.net.state(SOCK_LIST)._remove(this);
    this.net.put();
  }

  /**
   * `setsockopt(2)` with an integer value. `SOL_SOCKET` options behave as
   * `sk_setsockopt` does: `SO_RCVBUF` is capped at `rmem_max`, doubled for bookkeeping
   * and raised to `SOCK_MIN_RCVBUF`; `SO_REUSEADDR`/`SO_REUSEPORT` take any non-zero
   * value as on. Other levels go to the protocol ({@link Socket.protocolOption}).
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { SO, SOL, socketLayer, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const layer = socketLayer(kernel);
   * const s = layer.fdSocket(kernel.initTask, layer.socket(kernel.initTask, 'inet', 'dgram'));
   * s.setsockopt(SOL.SOCKET, SO.RCVBUF, 1000);
   * s.getsockopt(SOL.SOCKET, SO.RCVBUF); // 2304
   * ```
   *
   * @throws NetError EINVAL for a value that is not an integer; ENOPROTOOPT for an
   *   unknown or read-only `SOL_SOCKET` option; what the protocol throws for its levels.
   */
  setsockopt(level: number, name: number, value: number): void {
    if (!Number.isInteger(value)) throw new NetError('EINVAL', { syscall: 'setsockopt' });
    if (level !== SOL.SOCKET) {
      this.protocolOption(level, name, 'set', value);
      return;
    }
    switch (name) {
      case SO.RCVBUF: {
        // sk_setsockopt: min_t(u32, val, sysctl_rmem_max) — an unsigned compare, so a
        // negative value counts as huge — then doubled, then at least SOCK_MIN_RCVBUF.
        const v = value < 0 ? RMEM_MAX : Math.min(value, RMEM_MAX);
        this.rcvbuf = Math.max(v * 2, SOCK_MIN_RCVBUF);
        return;
      }
      case SO.REUSEADDR:
        this.reuseAddr = value !== 0;
        return;
      case SO.REUSEPORT:
        this.reusePort = value !== 0;
        return;
      default:
        throw new NetError('ENOPROTOOPT', { syscall: 'setsockopt' });
    }
  }

  /**
   * `getsockopt(2)` of an integer option. `SO_ERROR` reports and clears the pending
   * error (its errno, or 0).
   *
   * @throws NetError ENOPROTOOPT for an unknown `SOL_SOCKET` option; what the protocol
   *   throws for its levels.
   */
  getsockopt(level: number, name: number): number {
    if (level !== SOL.SOCKET) return this.protocolOption(level, name, 'get');
    switch (name) {
      case SO.RCVBUF:
        return this.rcvbuf;
      case SO.REUSEADDR:
        return this.reuseAddr ? 1 : 0;
      case SO.REUSEPORT:
        return this.reusePort ? 1 : 0;
      case SO.TYPE:
        return SOCK_NUMBER[this.type];
      case SO.PROTOCOL:
        return this.protocol;
      case SO.DOMAIN:
        return AF_NUMBER[this.family];
      case SO.ERROR:
        return this.takeError()?.errno ?? 0;
      default:
        throw new NetError('ENOPROTOOPT', { syscall: 'getsockopt' });
    }
  }

  /**
   * Options of the protocol's own levels. netstage has none yet, so every one is
   * refused as Linux refuses an option it does not know: AF_INET with ENOPROTOOPT
   * (`do_ip_setsockopt`'s default; the netfilter range 64.. falls through to
   * `nf_setsockopt`, which answers ENOPROTOOPT when no netfilter module registered it —
   * netfilter is out of netstage's scope), and `getsockopt` at a level that is neither
   * `SOL_IP` nor the socket's protocol with EOPNOTSUPP; AF_UNIX, which has no
   * protocol options, with EOPNOTSUPP; the other families with ENOPROTOOPT. Protocols
   * that have options override it (`value` is what `setsockopt` was given).
   *
   * @throws NetError as described.
   */
  protected protocolOption(level: number, _name: number, op: 'set' | 'get', _value = 0): number {
    const syscall = op === 'set' ? 'setsockopt' : 'getsockopt';
    if (this.family === 'unix') throw new NetError('EOPNOTSUPP', { syscall });
    if (this.family === 'inet' && op === 'get' && level !== SOL.IP && level !== this.protocol) {
      throw new NetError('EOPNOTSUPP', { syscall });
    }
    throw new NetError('ENOPROTOOPT', { syscall });
  }

  /** The protocol's part of `close` (unhash, free queues). */
  protected abstract closeProtocol(): void;

  /** Report and clear a pending error (`sock_error`). */
  protected takeError(): NetError | undefined {
    const e = this.pendingError;
    this.pendingError = undefined;
    return e;
  }
}

/** What a family provides to `socket()`. */
export interface SocketFamily {
  /** The family. */
  readonly family: Family;
  /**
   * Whether the 2007 creation fence (`sock-ns-tag`, `sock-create-ns-safe`) applies to
   * this family outside initNet; default true. AF_NETLINK is false: patch 08 gave it no
   * EAFNOSUPPORT check, so its sockets are always created and the refusal comes later,
   * as ECONNREFUSED from a kernel protocol with no socket in the namespace (patch 12).
   */
  readonly fenced?: boolean;
  /**
   * The stages that must be on for a namespace other than initNet to create sockets of
   * this family (and type/protocol); checked in order, EAFNOSUPPORT at the first closed.
   */
  stagesFor(type: SocketType, protocol: number): readonly string[];
  /**
   * Create the socket (`net_proto_family->create`).
   *
   * @throws NetError ESOCKTNOSUPPORT / EPROTONOSUPPORT for what the family does not have.
   */
  create(net: Net, type: SocketType, protocol: number): Socket;
}

/** The kernel's socket layer. */
export const SOCKETS = defineKernelKey<SocketLayer>('sockets');

/**
 * The socket layer of one kernel: the families, and `socket()`. Reach it with
 * `socketLayer(kernel)`.
 */
export class SocketLayer {
  readonly #kernel: Kernel;
  readonly #families = new Map<Family, SocketFamily>();
  readonly #tag: Stage;
  readonly #createSafe: Stage;

  /** @internal made by the sockets layer. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#tag = kernel.manifest.stage(SOCKET_STAGES.sockTag);
    this.#createSafe = kernel.manifest.stage(SOCKET_STAGES.createSafe);
  }

  /** Register a family. */
  addFamily(f: SocketFamily): void {
    this.#families.set(f.family, f);
  }

  /**
   * `socket(2)` in the task's current namespace: the new socket goes in the lowest free
   * descriptor.
   *
   * @throws NetError EAFNOSUPPORT for a fenced family that does not serve the task's
   *   namespace yet (the v2.6.24 fence) or that netstage does not have; what the family throws.
   */
  socket(task: Task, family: Family, type: SocketType, protocol = 0): number {
    const net = task.net;
    const f = this.#families.get(family);
    if (f === undefined) throw new NetError('EAFNOSUPPORT', { syscall: 'socket' });
    const stages = this.#kernel.stages;
    if (!net.isInit && f.fenced !== false) {
      const gates = [this.#tag, this.#createSafe, ...f.stagesFor(type, protocol).map((id) => this.#kernel.manifest.stage(id))];
      for (const g of gates) if (!stages.gate(g, net)) throw new NetError('EAFNOSUPPORT', { syscall: 'socket' });
    }
    const sock = f.create(net, type, protocol);
    return task.install(sock);
  }

  /**
   * The socket behind a descriptor.
   *
   * @throws NetError EBADF; ENOTSOCK for a descriptor that is not a socket.
   */
  fdSocket(task: Task, fd: number): Socket {
    const f = task.file(fd);
    if (!(f instanceof Socket)) throw new NetError('ENOTSOCK');
    return f;
  }
}

/**
 * The socket layer of a kernel booted with the sockets layer.
 *
 * @throws Error when the sockets layer is not registered.
 */
export function socketLayer(kernel: Kernel): SocketLayer {
  return kernel.state(SOCKETS);
}
