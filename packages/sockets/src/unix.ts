/**
 * AF_UNIX (`net/unix/af_unix.c`): stream and datagram sockets named by a filesystem
 * path (one kernel-wide table: the names are filesystem objects) or by an abstract name
 * (one table per namespace since 097e66c5, v2.6.25).
 *
 * @module
 */

import { NetError, defineKernelKey, defineNetKey, type Kernel, type Net } from '@netstage/core-net';
import { SOCK_LIST } from './sock-list.js';
import { Socket, type SocketFamily, type SocketType } from './socket.js';
import { SOCKET_STAGES } from './stages.js';

/** `PF_UNIX`: the one protocol number AF_UNIX accepts besides 0. */
export const PF_UNIX = 1;

/** `UNIX_PATH_MAX` less the terminating NUL: the longest name, in bytes. */
export const UNIX_NAME_MAX = 107;

/** `net.unix.max_dgram_qlen`'s default: how many datagrams a receiver queues. */
export const UNIX_MAX_DGRAM_QLEN = 10;

/** `sk_sndbuf`'s default (`wmem_default`); a datagram may be at most this less 32 bytes. */
export const UNIX_SNDBUF = 212_992;

/**
 * An AF_UNIX socket address (`struct sockaddr_un`): an abstract name (Linux's leading
 * NUL, `\0name`; shown as `@name`) or a filesystem path.
 */
export type SockAddrUn =
  | {
      /** An abstract name: per namespace, gone when its socket closes. */
      readonly kind: 'abstract';
      /** The name without its leading NUL. */
      readonly name: string;
    }
  | {
      /** A filesystem path: kernel-wide, left behind when its socket closes. */
      readonly kind: 'path';
      /** The path. */
      readonly path: string;
    };

/** A received AF_UNIX datagram. */
export interface UnixDatagram {
  /** The payload. */
  readonly data: Uint8Array;
  /** The sender's name; `undefined` for an unnamed (unbound) sender. */
  readonly from: SockAddrUn | undefined;
}

/** The abstract names of a namespace that has never bound one: empty, never written. */
const NO_ABSTRACT_NAMES: ReadonlyMap<string, UnixSocket> = new Map();

/**
 * One namespace's AF_UNIX state: its abstract names and its `net.unix` sysctl.
 *
 * The table of abstract names is made on the first bind, so an idle namespace pays for
 * this object only (Linux allocates `net->unx.table` in `unix_net_init`; netstage
 * defers it to first use).
 */
export class UnixNet {
  /** Bound sockets by {@link abstractKey}; made on first bind. */
  #abstract: Map<string, UnixSocket> | undefined;
  /** `net.unix.max_dgram_qlen`. */
  maxDgramQlen = UNIX_MAX_DGRAM_QLEN;

  /** Bound sockets by socket type and abstract name (`${type}:${name}`), read only. */
  get abstract(): ReadonlyMap<string, UnixSocket> {
    return this.#abstract ?? NO_ABSTRACT_NAMES;
  }

  /** @internal {@link UnixProtocol}: `sock` takes the abstract name `key`. */
  _bindAbstract(key: string, sock: UnixSocket): void {
    (this.#abstract ??= new Map()).set(key, sock);
  }

  /** @internal {@link UnixProtocol}: the name `key` goes, if `sock` holds it. */
  _unbindAbstract(key: string, sock: UnixSocket): void {
    if (this.#abstract?.get(key) === sock) this.#abstract.delete(key);
  }
}

/** The key of an abstract name in {@link UnixNet.abstract}: the lookup hashes the type in. */
function abstractKey(type: SocketType, name: string): string {
  return `${type}:${name}`;
}

/** Each namespace's AF_UNIX state; initNet's while `unix-per-ns` is off. */
export const UNIX = defineNetKey<UnixNet>('unix', { stage: SOCKET_STAGES.unixPerNs });

/** The file a bound pathname socket leaves in the filesystem (its inode). */
interface PathNode {
  /** The socket bound there; `undefined` once it closed (the file stays until unlinked). */
  sock: UnixSocket | undefined;
}

/** `@name` or the path, as `/proc/net/unix` and `ss` show a name. */
export function formatUnixAddress(addr: SockAddrUn): string {
  return addr.kind === 'abstract' ? `@${addr.name}` : addr.path;
}

/** `UNIX_HASH_MOD`: each half of a namespace's AF_UNIX table has 256 buckets. */
export const UNIX_HASH_MOD = 255;

/** `SOCK_STREAM` / `SOCK_DGRAM`: `sk_type` as `/proc/net/unix` prints it. */
export function unixSockType(sock: UnixSocket): number {
  return sock.type === 'stream' ? 1 : 2;
}

/** The UTF-8 bytes of `s`. */
function* utf8Bytes(s: string): Generator<number> {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) yield c;
    else if (c < 0x800) yield* [0xc0 | (c >> 6), 0x80 | (c & 0x3f)];
    else if (c < 0x10000) yield* [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
    else yield* [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
  }
}

/** Length of `s` in UTF-8 bytes. */
function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/**
 * An AF_UNIX socket: what stream and datagram sockets share — a name, bound once, and
 * unbound when the socket closes.
 *
 * @remarks
 * `struct unix_sock`. A socket looks names up in its own namespace (`sock_net`), not
 * its task's current one.
 */
export abstract class UnixSocket extends Socket {
  /** The bound name (`getsockname`); `undefined` while unnamed. */
  local: SockAddrUn | undefined;
  /** @internal the protocol that made it. */
  protected readonly unix: UnixProtocol;
  /** How many sockets have this one as their peer (each holds a reference). */
  #peerRefs = 0;

  /** @internal made by the AF_UNIX family. */
  protected constructor(unix: UnixProtocol, net: Net, type: 'stream' | 'dgram', embryo = false) {
    super(net, 'unix', type, 0, embryo);
    this.unix = unix;
    this._stampHash();
  }

  /**
   * Two — the socket and its place in the namespace's table (`sk_add_node` holds it) —
   * plus one for every socket whose peer it is (`unix_peer` holds a reference): 2 for a
   * listener or an unconnected socket, 3 for each end of a stream connection.
   */
  override get refcount(): number {
    return 2 + this.#peerRefs;
  }

  /**
   * Whether `sk_state` is `TCP_ESTABLISHED`: a connected stream socket; a datagram
   * socket that connected, or that another connected to (`unix_dgram_connect` sets
   * both).
   */
  abstract get established(): boolean;

  /** Count a peer reference taken (`by` 1) or dropped (-1) on `other`. */
  protected holdPeer(other: UnixSocket | undefined, by: 1 | -1): void {
    if (other !== undefined) other.#peerRefs += by;
  }

  /**
   * `bind(2)`. Without an address, autobind: an abstract name of five hex digits
   * (`unix_autobind`).
   *
   * @throws NetError EINVAL when already bound or for a name over 107 bytes; EADDRINUSE
   *   for an abstract name this namespace has bound for this socket type, or a path that
   *   exists (even one whose socket has closed — see {@link UnixProtocol.unlink});
   *   ENOENT for an empty path; ENOSPC when autobind finds no free name.
   */
  bind(addr?: SockAddrUn): void {
    if (addr !== undefined) this.unix.checkName(addr, 'bind');
    if (this.local !== undefined) throw new NetError('EINVAL', { syscall: 'bind' });
    this.unix.bindName(this, addr);
  }

  protected closeProtocol(): void {
    this.unix.unbindName(this);
  }
}

/**
 * An AF_UNIX stream socket: listen and accept, or connect, then a byte stream to the
 * peer. Non-blocking: what would wait fails with EAGAIN.
 */
export class UnixStreamSocket extends UnixSocket {
  /** `sk_state`: unconnected, listening or connected. */
  state: 'unconnected' | 'listening' | 'connected' = 'unconnected';
  /** The other end; kept after it closes, as Linux keeps `unix_peer`. */
  #peer: UnixStreamSocket | undefined;
  /** Whether the peer has closed (`sk_shutdown = SHUTDOWN_MASK`). */
  #peerClosed = false;
  /** Received bytes, in order; the first chunk may be partly read. */
  readonly #queue: Uint8Array[] = [];
  /** Connections not accepted yet: the server ends made by `connect`, each holding one reference. */
  readonly #pending: UnixStreamSocket[] = [];
  /** `sk_max_ack_backlog`. */
  #backlog = 0;
  /** Made by `connect` and still waiting in a listener's queue. */
  #embryo = false;

  /** @internal made by the AF_UNIX family and (an embryo, no inode yet) by `connect`. */
  constructor(unix: UnixProtocol, net: Net, embryo = false) {
    super(unix, net, 'stream', embryo);
  }

  /** Connected (accepted or not). */
  get established(): boolean {
    return this.state === 'connected';
  }

  /** The peer's name (`getpeername`); `undefined` when unconnected or the peer is unnamed. */
  get remote(): SockAddrUn | undefined {
    return this.#peer?.local;
  }

  /**
   * The peer's inode (`unix_diag`'s `UNIX_DIAG_PEER`, what `ss` prints as the peer
   * port); 0 when unconnected.
   */
  get peerInode(): number {
    return this.#peer?.inode ?? 0;
  }

  /** Bytes waiting to be read. */
  get queuedBytes(): number {
    let n = 0;
    for (const c of this.#queue) n += c.length;
    return n;
  }

  /** Connections waiting for `accept`. */
  get pendingConnections(): number {
    return this.#pending.length;
  }

  /** The backlog `listen` set (`sk_max_ack_backlog`, `ss`'s Send-Q for a listener). */
  get backlog(): number {
    return this.#backlog;
  }

  /**
   * `listen(2)`; again on a listening socket, a new backlog.
   *
   * @throws NetError EINVAL unbound or connected.
   */
  listen(backlog = 128): void {
    if (this.local === undefined || this.state === 'connected') throw new NetError('EINVAL', { syscall: 'listen' });
    this.#backlog = Math.max(0, Math.min(backlog, 4096));
    this.state = 'listening';
  }

  /**
   * `connect(2)` (`unix_stream_connect`): the listener is looked up from this socket's
   * namespace — an abstract name in that namespace only, a path anywhere. The server end
   * waits in the listener's queue; data may be sent at once.
   *
   * @throws NetError EINVAL for a bad name or a listening socket; ECONNREFUSED when no
   *   stream socket has the name, or it is not listening; ENOENT for a path that does not
   *   exist; EPROTOTYPE for a path bound by a datagram socket; EAGAIN when the backlog is
   *   full; EISCONN when already connected.
   */
  connect(addr: SockAddrUn): void {
    this.unix.checkName(addr, 'connect');
    const other = this.unix.find(this.net, addr, 'stream', 'connect');
    if (!(other instanceof UnixStreamSocket) || other.state !== 'listening') throw new NetError('ECONNREFUSED', { syscall: 'connect' });
    if (other.#pending.length > other.#backlog) throw new NetError('EAGAIN', { syscall: 'connect' });
    if (this.state === 'connected') throw new NetError('EISCONN', { syscall: 'connect' });
    if (this.state !== 'unconnected') throw new NetError('EINVAL', { syscall: 'connect' });
    // The server end lives in the connecting socket's namespace (unix_create1(sock_net(sk))).
    const server = new UnixStreamSocket(this.unix, this.net, true);
    server.local = other.local;
    server.state = 'connected';
    server.#embryo = true;
    server.#peer = this;
    this.holdPeer(this, 1);
    this.#peer = server;
    this.holdPeer(server, 1);
    this.state = 'connected';
    other.#pending.push(server);
  }

  /**
   * `accept(2)`, non-blocking: the next connection, a connected socket holding one
   * reference that the caller installs (`task.install(sock)`) or puts.
   *
   * @throws NetError EINVAL when not listening; EAGAIN when none is waiting.
   */
  accept(): UnixStreamSocket {
    if (this.state !== 'listening') throw new NetError('EINVAL', { syscall: 'accept' });
    const s = this.#pending.shift();
    if (s === undefined) throw new NetError('EAGAIN', { syscall: 'accept' });
    s.#embryo = false;
    s.graft();
    return s;
  }

  /**
   * `send(2)`: append to the peer's receive queue.
   *
   * @throws NetError ENOTCONN unconnected; EPIPE once the peer has closed.
   */
  send(data: Uint8Array): number {
    const peer = this.#peer;
    if (peer === undefined) throw new NetError('ENOTCONN', { syscall: 'sendmsg' });
    if (this.#peerClosed || peer.closed) throw new NetError('EPIPE', { syscall: 'sendmsg' });
    if (data.length > 0) peer.#queue.push(data.slice());
    return data.length;
  }

  /**
   * `recv(2)`, non-blocking: up to `n` bytes. After the peer closed and the queue
   * drained, an empty array: end of file.
   *
   * @throws NetError EINVAL when not connected; ECONNRESET (once, with the queue empty)
   *   when the peer closed with data unread or was never accepted; EAGAIN when nothing
   *   waits and the peer is open.
   */
  recv(n = 65_536): Uint8Array {
    if (this.state !== 'connected') throw new NetError('EINVAL', { syscall: 'recvmsg' });
    if (this.#queue.length === 0) {
      const err = this.takeError();
      if (err !== undefined) throw err;
      if (this.#peerClosed) return new Uint8Array(0);
      throw new NetError('EAGAIN', { syscall: 'recvmsg' });
    }
    const out = new Uint8Array(Math.min(n, this.queuedBytes));
    let at = 0;
    while (at < out.length) {
      const chunk = this.#queue[0];
      if (chunk === undefined) break;
      const take = Math.min(chunk.length, out.length - at);
      out.set(chunk.subarray(0, take), at);
      at += take;
      if (take === chunk.length) this.#queue.shift();
      else this.#queue[0] = chunk.subarray(take);
    }
    return out;
  }

  /** @internal the peer closed (`unix_release_sock` on `skpair`). */
  #peerGone(reset: boolean): void {
    this.#peerClosed = true;
    if (reset) this.pendingError = new NetError('ECONNRESET', { syscall: 'recvmsg' });
  }

  protected override closeProtocol(): void {
    super.closeProtocol();
    const peer = this.#peer;
    this.holdPeer(peer, -1);
    if (peer !== undefined && !peer.closed) peer.#peerGone(this.#queue.length > 0 || this.#embryo);
    this.#queue.length = 0;
    // Connections never accepted are released with the listener.
    for (const s of this.#pending.splice(0)) s.put();
  }
}

/**
 * An AF_UNIX datagram socket (also what SOCK_RAW makes): `sendto` a name, or `connect`
 * then `send`; a bounded receive queue.
 */
export class UnixDgramSocket extends UnixSocket {
  /** The default destination set by `connect`. */
  #peer: UnixDgramSocket | undefined;
  readonly #queue: UnixDatagram[] = [];
  #established = false;

  /** @internal made by the AF_UNIX family. */
  constructor(unix: UnixProtocol, net: Net) {
    super(unix, net, 'dgram');
  }

  /** It connected, or another socket connected to it. */
  get established(): boolean {
    return this.#established;
  }

  /** The connected peer's name (`getpeername`); `undefined` when unconnected or the peer is unnamed. */
  get remote(): SockAddrUn | undefined {
    return this.#peer?.local;
  }

  /** The connected peer's inode (`UNIX_DIAG_PEER`, `ss`'s peer port); 0 when unconnected. */
  get peerInode(): number {
    return this.#peer?.inode ?? 0;
  }

  /** Datagrams waiting. */
  get queueLength(): number {
    return this.#queue.length;
  }

  /**
   * `connect(2)`: set the default destination (and only accept datagrams from it).
   *
   * @throws NetError EINVAL for a bad name; ECONNREFUSED when no datagram socket has
   *   the name in this socket's namespace (abstract) or at all (path); ENOENT for a path
   *   that does not exist; EPROTOTYPE for a path bound by a stream socket; EPERM when
   *   that socket is connected to another (`unix_may_send`).
   */
  connect(addr: SockAddrUn): void {
    this.unix.checkName(addr, 'connect');
    const other = this.unix.find(this.net, addr, 'dgram', 'connect');
    if (!(other instanceof UnixDgramSocket)) throw new NetError('ECONNREFUSED', { syscall: 'connect' });
    if (other.#peer !== undefined && other.#peer !== this) throw new NetError('EPERM', { syscall: 'connect' });
    if (this.#peer !== other) {
      this.holdPeer(this.#peer, -1);
      this.holdPeer(other, 1);
    }
    this.#peer = other;
    this.#established = true;
    other.#established = true;
  }

  /**
   * `sendto(2)` / `send(2)` (`unix_dgram_sendmsg`).
   *
   * @throws NetError EINVAL for a bad name; EMSGSIZE over `sk_sndbuf - 32` bytes;
   *   ENOTCONN unconnected without a destination; ECONNREFUSED when the name is not
   *   found, or (once, then the socket is disconnected) when the connected peer has
   *   closed; ENOENT / EPROTOTYPE as for `connect`; EPERM when the receiver is connected
   *   to another socket; EAGAIN when the receiver's queue is full.
   */
  send(data: Uint8Array, to?: SockAddrUn): number {
    if (to !== undefined) this.unix.checkName(to, 'sendto');
    if (data.length > UNIX_SNDBUF - 32) throw new NetError('EMSGSIZE', { syscall: 'sendto' });
    let other: UnixDgramSocket;
    if (to !== undefined) {
      const found = this.unix.find(this.net, to, 'dgram', 'sendto');
      if (!(found instanceof UnixDgramSocket)) throw new NetError('ECONNREFUSED', { syscall: 'sendto' });
      other = found;
    } else {
      const peer = this.#peer;
      if (peer === undefined) throw new NetError('ENOTCONN', { syscall: 'sendto' });
      if (peer.closed) {
        // unix_dgram_disconnected: forget the peer, drop what it had sent us.
        this.holdPeer(peer, -1);
        this.#peer = undefined;
        this.#established = false;
        this.#queue.length = 0;
        throw new NetError('ECONNREFUSED', { syscall: 'sendto' });
      }
      other = peer;
    }
    if (other.#peer !== undefined && other.#peer !== this) throw new NetError('EPERM', { syscall: 'sendto' });
    if (other.#peer !== this && other !== this && other.#queue.length > this.unix.state(other.net).maxDgramQlen) {
      throw new NetError('EAGAIN', { syscall: 'sendto' });
    }
    other.#queue.push({ data: data.slice(), from: this.local });
    return data.length;
  }

  /**
   * `recvfrom(2)`, non-blocking: one whole datagram and its sender's name.
   *
   * @throws NetError EAGAIN when nothing waits.
   */
  recv(): UnixDatagram {
    const d = this.#queue.shift();
    if (d === undefined) throw new NetError('EAGAIN', { syscall: 'recvfrom' });
    return d;
  }

  protected override closeProtocol(): void {
    super.closeProtocol();
    this.holdPeer(this.#peer, -1);
    this.#peer = undefined;
    this.#queue.length = 0;
  }
}

/**
 * AF_UNIX for one kernel: the family's socket factory, the kernel-wide pathname table
 * (standing in for the filesystem), and the abstract names of each namespace.
 *
 * @remarks
 * A pathname is a filesystem object, so it is reachable from every namespace
 * (reference §5: connect from rsch-b to a path bound in rsch-a succeeds). Closing the
 * socket leaves the file, as Linux does: binding the path again fails with EADDRINUSE
 * until {@link UnixProtocol.unlink} removes it. Abstract names go with their socket and
 * are looked up in the caller's socket's namespace only.
 */
export class UnixProtocol implements SocketFamily {
  /** `AF_UNIX`. */
  readonly family = 'unix' as const;
  readonly #kernel: Kernel;
  readonly #paths = new Map<string, PathNode>();

  /** @internal made by the sockets layer. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  /** AF_UNIX outside initNet needs 097e66c5. */
  stagesFor(): readonly string[] {
    return [SOCKET_STAGES.unixPerNs];
  }

  /**
   * `unix_create`: stream or datagram; SOCK_RAW becomes a datagram socket, as in Linux
   * ("Believe it or not BSD has AF_UNIX, SOCK_RAW though nothing uses it").
   *
   * @throws NetError EPROTONOSUPPORT for a protocol other than 0 or PF_UNIX.
   */
  create(net: Net, type: SocketType, protocol: number): UnixSocket {
    if (protocol !== 0 && protocol !== PF_UNIX) throw new NetError('EPROTONOSUPPORT', { syscall: 'socket' });
    return type === 'stream' ? new UnixStreamSocket(this, net) : new UnixDgramSocket(this, net);
  }

  /** The AF_UNIX state of `net`. */
  state(net: Net): UnixNet {
    return net.state(UNIX);
  }

  /**
   * The bucket of a socket's namespace's AF_UNIX table (`net->unx.table`) it sits in:
   * an abstract name hashes to 256..511 (`unix_abstract_hash`: the Internet checksum of
   * the `sockaddr_un`, folded, `^ type`); an unbound or pathname socket to 0..255.
   *
   * @remarks
   * `net/unix/af_unix.c`. Linux puts an unbound socket in the bucket of its `struct
   * sock` address (`unix_unbound_hash`) and a pathname socket in that of its file's
   * inode (`unix_bsd_hash`), both different every run; netstage has neither address nor
   * file inode and hashes the socket's serial the same way instead — so where unnamed and
   * pathname sockets fall among each other is netstage's choice, while abstract names
   * fall exactly where Linux puts them.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { socketLayer, socketsLayer, unixProtocol, type UnixStreamSocket } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const sockets = socketLayer(kernel);
   * const fd = sockets.socket(kernel.initTask, 'unix', 'stream');
   * const s = sockets.fdSocket(kernel.initTask, fd) as UnixStreamSocket;
   * s.bind({ kind: 'abstract', name: 'nst-demo' });
   * unixProtocol(kernel).hashSlot(s); // 451
   * kernel.initTask.close(fd);
   * ```
   */
  hashSlot(sock: UnixSocket): number {
    const type = unixSockType(sock);
    const addr = sock.local;
    if (addr?.kind === 'abstract') {
      // csum_partial over sun_family (AF_UNIX, little-endian), the NUL, the name.
      let sum = 1;
      let i = 0;
      for (const b of utf8Bytes(addr.name)) sum += (i++ & 1) === 0 ? b << 8 : b;
      while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
      let hash = ~sum & 0xffff;
      hash ^= hash >>> 8;
      hash ^= type;
      return UNIX_HASH_MOD + 1 + (hash & UNIX_HASH_MOD);
    }
    let h = Math.imul(sock.serial, 0x9e3779b9) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    h = (h ^ (h >>> 8)) >>> 0;
    return (h ^ type) & UNIX_HASH_MOD;
  }

  /**
   * The AF_UNIX sockets of `net` in the order `/proc/net/unix` lists them: bucket by
   * bucket ({@link UnixProtocol.hashSlot}), in a bucket the one that entered it last
   * (created, or bound) first. Connections not accepted yet are listed too.
   *
   * @remarks
   * `unix_from_bucket` / `unix_get_next` walk `net->unx.table.buckets` (per namespace
   * since v6.0).
   */
  sockets(net: Net): UnixSocket[] {
    const out: UnixSocket[] = [];
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof UnixSocket) out.push(s);
    return out.sort((a, b) => this.hashSlot(a) - this.hashSlot(b) || b.hashStamp - a.hashStamp);
  }

  /** Whether a file exists at `path` (a bound socket's, live or closed). */
  pathExists(path: string): boolean {
    return this.#paths.has(path);
  }

  /**
   * `unlink(2)` of a socket's path: the name is free to bind again. A socket still bound
   * there keeps its address but can no longer be reached by it.
   *
   * @throws NetError ENOENT when no socket file is at `path`.
   */
  unlink(path: string): void {
    if (!this.#paths.delete(path)) throw new NetError('ENOENT', { syscall: 'unlink' });
  }

  /** @internal `unix_mkname`: EINVAL for a name over 107 bytes. */
  checkName(addr: SockAddrUn, syscall: string): void {
    const bytes = addr.kind === 'abstract' ? utf8Length(addr.name) + 1 : utf8Length(addr.path);
    if (bytes > UNIX_NAME_MAX) throw new NetError('EINVAL', { syscall });
  }

  /** @internal bind a name, or autobind when `addr` is undefined. */
  bindName(sock: UnixSocket, addr: SockAddrUn | undefined): void {
    const type = sock.type;
    if (addr === undefined) {
      const st = this.state(sock.net);
      const start = this.#kernel.random.nextInt(0x100000);
      for (let i = 0; i < 0x100000; i++) {
        const name = ((start + i) & 0xfffff).toString(16).padStart(5, '0');
        const key = abstractKey(type, name);
        if (!st.abstract.has(key)) {
          st._bindAbstract(key, sock);
          sock.local = { kind: 'abstract', name };
          sock._stampHash();
          return;
        }
      }
      throw new NetError('ENOSPC', { syscall: 'bind' });
    }
    if (addr.kind === 'abstract') {
      const st = this.state(sock.net);
      const key = abstractKey(type, addr.name);
      if (st.abstract.has(key)) throw new NetError('EADDRINUSE', { syscall: 'bind' });
      st._bindAbstract(key, sock);
    } else {
      if (addr.path === '') throw new NetError('ENOENT', { syscall: 'bind' });
      if (this.#paths.has(addr.path)) throw new NetError('EADDRINUSE', { syscall: 'bind' });
      this.#paths.set(addr.path, { sock });
    }
    sock.local = addr;
    sock._stampHash();
  }

  /** @internal on close: an abstract name goes; a path's file stays, without its socket. */
  unbindName(sock: UnixSocket): void {
    const addr = sock.local;
    if (addr === undefined) return;
    if (addr.kind === 'abstract') {
      this.state(sock.net)._unbindAbstract(abstractKey(sock.type, addr.name), sock);
    } else {
      const node = this.#paths.get(addr.path);
      if (node?.sock === sock) node.sock = undefined;
    }
  }

  /**
   * @internal `unix_find_other`: an abstract name among `net`'s sockets of `type`
   * (undefined when absent); a path anywhere, whatever namespace bound it.
   *
   * @throws NetError ENOENT for a path that does not exist; ECONNREFUSED for a path whose
   *   socket has closed; EPROTOTYPE for a path bound by a socket of another type.
   */
  find(net: Net, addr: SockAddrUn, type: 'stream' | 'dgram', syscall: string): UnixSocket | undefined {
    if (addr.kind === 'abstract') return this.state(net).abstract.get(abstractKey(type, addr.name));
    const node = this.#paths.get(addr.path);
    if (node === undefined) throw new NetError('ENOENT', { syscall });
    if (node.sock === undefined) throw new NetError('ECONNREFUSED', { syscall });
    if (node.sock.type !== type) throw new NetError('EPROTOTYPE', { syscall });
    return node.sock;
  }
}

/** The kernel's AF_UNIX family (owner of the pathname table). */
export const UNIX_FAMILY = defineKernelKey<UnixProtocol>('unix');

/**
 * The AF_UNIX family of a kernel booted with the sockets layer: where to `unlink` a
 * socket's path.
 *
 * @throws Error when the sockets layer is not registered.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketLayer, socketsLayer, unixProtocol, type UnixStreamSocket } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const sh = kernel.initTask;
 * const sockets = socketLayer(kernel);
 * const fd = sockets.socket(sh, 'unix', 'stream');
 * (sockets.fdSocket(sh, fd) as UnixStreamSocket).bind({ kind: 'path', path: '/run/demo.sock' });
 * sh.close(fd);
 * unixProtocol(kernel).pathExists('/run/demo.sock'); // true: the file stays
 * unixProtocol(kernel).unlink('/run/demo.sock');
 * ```
 */
export function unixProtocol(kernel: Kernel): UnixProtocol {
  return kernel.state(UNIX_FAMILY);
}
