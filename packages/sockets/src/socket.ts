/**
 * The socket layer: `Socket` on a task's descriptor table, holding its namespace, and
 * the system calls that reach it (`net/socket.c`).
 *
 * @module
 */

import { NetError, OpenFile, defineKernelKey, type Kernel, type Net, type Stage, type Task } from '@netstage/core-net';
import { SOCKET_STAGES } from './stages.js';

/** Address families netstage knows (`AF_*`). */
export type Family = 'inet' | 'inet6' | 'unix' | 'packet' | 'netlink';

/** Socket types (`SOCK_*`). */
export type SocketType = 'stream' | 'dgram' | 'raw';

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

  protected constructor(
    net: Net,
    /** The family. */
    readonly family: Family,
    /** The type. */
    readonly type: SocketType,
    /** The protocol number. */
    readonly protocol: number,
  ) {
    super();
    net.get();
    this.net = net;
  }

  /** Called once when the last descriptor closes: protocol teardown, then the namespace reference goes. */
  protected release(): void {
    this.closeProtocol();
    this.net.put();
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
