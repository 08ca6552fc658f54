/**
 * The rest of AF_INET beside UDP: ICMP ping sockets (`SOCK_DGRAM`/`IPPROTO_ICMP`,
 * `net/ipv4/ping.c`), raw IP sockets (`SOCK_RAW`, `net/ipv4/raw.c`), and the family
 * that picks among them by type and protocol (`inet_create`'s walk of `inetsw`,
 * `net/ipv4/af_inet.c`).
 *
 * @module
 */

import { NetError, defineKernelKey, readU32, type Kernel, type Net } from '@netstage/core-net';
import type { NetDevice } from '@netstage/devices';
import {
  ICMP_ECHO,
  ICMP_ECHOREPLY,
  IPPROTO_ICMP,
  IPV4_SYSCTLS,
  emitIcmp,
  icmpBufferLength,
  ipv4,
  ipv4Stack,
  type IcmpEvent,
  type Ipv4,
  type Ipv4Stack,
  ICMPSTATS,
  IPSTATS,
} from '@netstage/ipv4';
import { InetQueueSocket } from './inet-queue.js';
import { SOCK_LIST, hash32, netHashMix } from './sock-list.js';
import type { SockAddrIn, Socket, SocketFamily, SocketType } from './socket.js';
import { SOCKET_STAGES } from './stages.js';
import { IPPROTO_UDP, UdpProtocol } from './udp.js';

/** `IPPROTO_MAX` (`include/uapi/linux/in.h`, 263 since MPTCP): `socket()` answers EINVAL at or above it. */
export const IPPROTO_MAX = 263;

/** `IPPROTO_RAW`: a raw socket that sends whole datagrams (`IP_HDRINCL` implied). */
export const IPPROTO_RAW = 255;

/**
 * The group of the calling task for `ping_group_range`. netstage tasks have no
 * credentials yet: every task counts as gid 0 (root) — which, as in Linux, does not
 * by itself allow ping sockets: only the range does.
 */
export const TASK_GID = 0;

/** Buckets of the ping socket table (`PING_HTABLE_SIZE`, `include/net/ping.h`). */
export const PING_HTABLE_SIZE = 64;

/** `RAW_HTABLE_LOG` (`include/net/raw.h`): the raw socket table has 2^8 buckets. */
export const RAW_HTABLE_LOG = 8;

/** A ping table key: the namespace's id and a 16-bit identifier in one number (exact below 2^53). */
function pingKey(net: Net, ident: number): number {
  return net.id * 0x10000 + ident;
}

/** A raw table key: the namespace's id and an IP protocol (1..255) in one number. */
function rawKey(net: Net, protocol: number): number {
  return net.id * 0x100 + protocol;
}

/** Rewrap a route/output error with the call's name. */
function rethrow(err: unknown, syscall: string): never {
  if (err instanceof NetError) throw new NetError(err.code, { syscall });
  throw err;
}

/**
 * An ICMP ping socket (`net/ipv4/ping.c`): sends echo requests whose identifier the
 * kernel sets to the socket's own (its "port"), and receives the echo replies that
 * carry it.
 */
export class PingSocket extends InetQueueSocket {
  readonly #ping: PingProtocol;

  /** @internal made by the AF_INET family. */
  constructor(ping: PingProtocol, net: Net) {
    super(net, 'inet', 'dgram', IPPROTO_ICMP);
    this.#ping = ping;
  }

  /** The identifier echo requests carry (0 until bound). */
  get ident(): number {
    return this.local.port;
  }

  /**
   * `bind(2)` (`ping_bind`): an address of this namespace or INADDR_ANY; the port is the
   * identifier, 0 picking a free one.
   *
   * @throws NetError EINVAL when already bound; EADDRNOTAVAIL for an address that is not
   *   local here (broadcast and multicast included, `ping_check_bind_addr`); EADDRINUSE
   *   for an identifier taken in this namespace.
   */
  bind(addr: SockAddrIn): void {
    if (this.local.port !== 0) throw new NetError('EINVAL', { syscall: 'bind' });
    if (!this.#ping.addressLocal(this.net, addr.address)) throw new NetError('EADDRNOTAVAIL', { syscall: 'bind' });
    const ident = this.#ping.allocateIdent(this, addr.port, 'bind');
    this.local = { address: addr.address >>> 0, port: ident };
    this.#ping.hash(this);
  }

  /**
   * `connect(2)` (`inet_dgram_connect` + `ip4_datagram_connect`): autobind, a route
   * (ENETUNREACH at once — `ping: connect: Network is unreachable`), and the source
   * address the route selects when unbound.
   *
   * @throws NetError ENETUNREACH and the other route errors.
   */
  connect(addr: SockAddrIn): void {
    this.#autobind('connect');
    const src = this.#ping.routeSrc(this.net, addr.address, 'connect');
    if (this.local.address === 0) this.#ping.rehash(this, src);
    this.remote = { address: addr.address >>> 0, port: 0 };
  }

  /**
   * `sendto(2)` (`ping_v4_sendmsg`): `data` is an ICMP echo request, 8-byte header then
   * payload; the kernel writes the socket's identifier and the checksum. Counted as
   * `Icmp: OutMsgs, OutEchos`.
   *
   * @throws NetError EMSGSIZE over 65535 bytes; EINVAL for less than a header or a
   *   message other than echo request code 0; EDESTADDRREQ unconnected without a
   *   destination; ENETUNREACH (nothing sent) and the other route and output errors.
   */
  send(data: Uint8Array, to?: SockAddrIn): void {
    const err = this.takeError();
    if (err !== undefined) throw err;
    this.#autobind('sendto');
    if (data.length > 0xffff) throw new NetError('EMSGSIZE', { syscall: 'sendto' });
    if (data.length < 8 || data[0] !== ICMP_ECHO || data[1] !== 0) throw new NetError('EINVAL', { syscall: 'sendto' });
    const dst = to?.address ?? (this.remote.address !== 0 ? this.remote.address : undefined);
    if (dst === undefined) throw new NetError('EDESTADDRREQ', { syscall: 'sendto' });
    const sequence = ((data[6] ?? 0) << 8) | (data[7] ?? 0);
    this.#ping.output(this.net, dst >>> 0, this.local.port, sequence, data.subarray(8), this.local.address, this.ttl);
  }

  /** `inet_autobind`: an identifier on first use. */
  #autobind(syscall: string): void {
    if (this.local.port !== 0) return;
    this.local = { address: this.local.address, port: this.#ping.allocateIdent(this, 0, syscall) };
    this.#ping.hash(this);
  }

  /** Two while in the ping table (the table's `sock_hold`), else one. */
  override get refcount(): number {
    return this.ident !== 0 ? 2 : 1;
  }

  protected closeProtocol(): void {
    this.#ping.unhash(this);
    this.clearQueue();
  }
}

/**
 * Ping sockets for one kernel: creation with the group check, identifiers, echo-reply
 * delivery.
 *
 * @remarks
 * The bound sockets of every namespace are in one kernel-wide table, as Linux keeps
 * them in `ping_table` (`net/ipv4/ping.c`) and matches `sock_net` on lookup: keyed by
 * (namespace id, identifier), so a namespace that never binds a ping socket has no
 * table of its own and a lookup does not depend on how many namespaces exist. Listings
 * per namespace go through the namespace's own live sockets (`SOCK_LIST`).
 */
export class PingProtocol {
  readonly #ip: Ipv4;
  readonly #stack: Ipv4Stack;
  /** `ping_table`: bound sockets by {@link pingKey} (namespace id, identifier), each list oldest first. */
  readonly #table = new Map<number, PingSocket[]>();
  /** `ping_port_rover`: kernel-wide, where the next identifier search starts. */
  #rover = 0;

  /** @internal made by the AF_INET family. */
  constructor(kernel: Kernel) {
    this.#ip = ipv4(kernel);
    this.#stack = ipv4Stack(kernel);
    this.#stack.onIcmp((e) => this.#rcv(e));
  }

  /**
   * `ping_init_sock`: allowed iff the caller's group lies in the namespace's
   * `ping_group_range` (see {@link TASK_GID}).
   *
   * @throws NetError EACCES outside the range (the default `1 0` allows nobody).
   */
  create(net: Net): PingSocket {
    const [low, high] = net.state(IPV4_SYSCTLS).pingGroupRange;
    if (!(low <= TASK_GID && TASK_GID <= high)) throw new NetError('EACCES', { syscall: 'socket' });
    return new PingSocket(this, net);
  }

  /** `ping_check_bind_addr`: INADDR_ANY or an address of type local in `net`. */
  addressLocal(net: Net, address: number): boolean {
    const a = address >>> 0;
    if (a === 0) return true;
    const r = this.#ip.table(net, 255)?.lookup(a);
    return r !== undefined && r.type === 'local';
  }

  /**
   * `ping_get_port`: `ident` if free in the socket's namespace, else EADDRINUSE; for 0,
   * the next free one after the kernel-wide rover, skipping 0.
   *
   * @throws NetError EADDRINUSE.
   */
  allocateIdent(sock: PingSocket, ident: number, syscall: string): number {
    const net = sock.net;
    if (ident !== 0) {
      if ((this.#table.get(pingKey(net, ident)) ?? []).some((s) => s !== sock)) throw new NetError('EADDRINUSE', { syscall });
      return ident;
    }
    let result = (this.#rover + 1) & 0xffff;
    for (let i = 0; i < 0x10000; i++, result = (result + 1) & 0xffff) {
      if (result === 0) continue;
      if (this.#table.has(pingKey(net, result))) continue;
      this.#rover = result;
      return result;
    }
    throw new NetError('EADDRINUSE', { syscall });
  }

  /** @internal add a bound socket to its namespace's table. */
  hash(sock: PingSocket): void {
    const key = pingKey(sock.net, sock.ident);
    this.#table.set(key, [...(this.#table.get(key) ?? []), sock]);
    sock._stampHash();
  }

  /**
   * The bucket of identifier `ident` in `net` (`ping_hashfn`: `(ident +
   * net_hash_mix(net)) & 63`), what `/proc/net/icmp` prints as `sl`.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { inetFamily, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * inetFamily(kernel).ping.hashSlot(kernel.initNet, 77) < 64; // true
   * ```
   */
  hashSlot(net: Net, ident: number): number {
    return (ident + netHashMix(net)) & (PING_HTABLE_SIZE - 1);
  }

  /**
   * The bound ping sockets of `net` in the order `/proc/net/icmp` lists them: by bucket,
   * the one hashed last first in a bucket. Unbound sockets are not listed.
   *
   * @remarks
   * `ping_get_first` / `ping_get_next` (`net/ipv4/ping.c`) walk the whole table, skipping
   * other namespaces' sockets; netstage takes the bound ones among `net`'s own sockets.
   */
  sockets(net: Net): PingSocket[] {
    const out: PingSocket[] = [];
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof PingSocket && s.ident !== 0) out.push(s);
    return out.sort((a, b) => this.hashSlot(net, a.ident) - this.hashSlot(net, b.ident) || b.hashStamp - a.hashStamp);
  }

  /** @internal remove a socket from its namespace's table. */
  unhash(sock: PingSocket): void {
    if (sock.ident === 0) return;
    const key = pingKey(sock.net, sock.ident);
    const list = (this.#table.get(key) ?? []).filter((s) => s !== sock);
    if (list.length === 0) this.#table.delete(key);
    else this.#table.set(key, list);
  }

  /** @internal set the local address a connect selected. */
  rehash(sock: PingSocket, src: number): void {
    sock.local = { address: src >>> 0, port: sock.local.port };
  }

  /** @internal the source a route to `dst` selects, or the call's error. */
  routeSrc(net: Net, dst: number, syscall: string): number {
    try {
      return this.#ip.routeLookup(net, dst).src;
    } catch (err) {
      if (err instanceof NetError && err.code === 'ENETUNREACH') this.#stack.snmp(net).ip(IPSTATS.OutNoRoutes);
      return rethrow(err, syscall);
    }
  }

  /** @internal send one echo request, counted as the stack counts them. */
  output(net: Net, dst: number, ident: number, sequence: number, payload: Uint8Array, src: number, ttl = -1): void {
    try {
      this.#stack.sendEcho(net, dst, ident, sequence, payload, src, ttl);
    } catch (err) {
      rethrow(err, 'sendto');
    }
  }

  /** `ping_rcv` via `ping_lookup`: an echo reply to the socket of its identifier in its namespace. */
  #rcv(e: IcmpEvent): void {
    const m = e.message;
    if (m.kind !== 'echo-reply') return;
    const list = this.#table.get(pingKey(e.net, m.identifier));
    if (list === undefined) return;
    const sock = list.find((s) => s.local.address === 0 || s.local.address === e.dst);
    if (sock === undefined) return;
    const data = new Uint8Array(icmpBufferLength(m));
    emitIcmp(m, data, 0);
    sock._deliver({ data, from: { address: e.src, port: 0 } });
  }
}

/**
 * A raw IP socket of one protocol (`net/ipv4/raw.c`): receives a copy of every
 * datagram of that protocol delivered locally in its namespace — the whole datagram,
 * IP header first — beside the normal handling; sends payloads under an IP header the
 * kernel builds.
 *
 * @remarks Not modelled: `IP_HDRINCL` (and so sending on `IPPROTO_RAW`), `ICMP_FILTER`,
 * ICMP errors (`raw_icmp_error`), `CAP_NET_RAW` (every task is privileged).
 */
export class RawSocket extends InetQueueSocket {
  readonly #raw: RawProtocol;

  /** @internal made by the AF_INET family. */
  constructor(raw: RawProtocol, net: Net, protocol: number) {
    super(net, 'inet', 'raw', protocol);
    this.#raw = raw;
  }

  /**
   * `bind(2)` (`raw_bind`): only the address matters.
   *
   * @throws NetError EADDRNOTAVAIL for an address that is not local, broadcast or
   *   multicast in this namespace.
   */
  bind(addr: SockAddrIn): void {
    if (!this.#raw.addressBindable(this.net, addr.address)) throw new NetError('EADDRNOTAVAIL', { syscall: 'bind' });
    this.local = { address: addr.address >>> 0, port: 0 };
  }

  /**
   * `connect(2)` (`ip4_datagram_connect`): a default destination; only its datagrams
   * are received afterwards.
   *
   * @throws NetError ENETUNREACH and the other route errors.
   */
  connect(addr: SockAddrIn): void {
    const src = this.#raw.routeSrc(this.net, addr.address, 'connect');
    if (this.local.address === 0) this.local = { address: src, port: 0 };
    this.remote = { address: addr.address >>> 0, port: 0 };
  }

  /**
   * `sendto(2)` (`raw_sendmsg` without `IP_HDRINCL`): `data` goes as is under an IP
   * header of the socket's protocol; an ICMP socket's messages are counted as
   * `__ip_make_skb` does (`icmp_out_count`).
   *
   * @throws NetError EMSGSIZE over 65535 bytes; EOPNOTSUPP on `IPPROTO_RAW` (header
   *   inclusion is not modelled); EDESTADDRREQ unconnected without a destination;
   *   ENETUNREACH (nothing sent) and the other route and output errors.
   */
  send(data: Uint8Array, to?: SockAddrIn): void {
    const err = this.takeError();
    if (err !== undefined) throw err;
    if (data.length > 0xffff) throw new NetError('EMSGSIZE', { syscall: 'sendto' });
    if (this.protocol === IPPROTO_RAW) throw new NetError('EOPNOTSUPP', { syscall: 'sendto' });
    const dst = to?.address ?? (this.remote.address !== 0 ? this.remote.address : undefined);
    if (dst === undefined) throw new NetError('EDESTADDRREQ', { syscall: 'sendto' });
    this.#raw.output(this.net, this.protocol, dst >>> 0, this.local.address, data, this.ttl);
  }

  /** Two: a raw socket is in its table from creation to close (`raw_hash_sk`). */
  override get refcount(): number {
    return 2;
  }

  protected closeProtocol(): void {
    this.#raw.unhash(this);
    this.clearQueue();
  }
}

/**
 * Raw sockets for one kernel: the local-delivery tap and output.
 *
 * @remarks
 * The open sockets of every namespace are in one kernel-wide table, as Linux keeps them
 * in `raw_v4_hashinfo` (`net/ipv4/raw.c`, matched on `sock_net` since be185884): keyed
 * by (namespace id, protocol), so a namespace without raw sockets has no table of its
 * own and the tap's lookup does not depend on how many namespaces exist. Listings per
 * namespace go through the namespace's own live sockets (`SOCK_LIST`).
 */
export class RawProtocol {
  readonly #stack: Ipv4Stack;
  readonly #udp: UdpProtocol;
  /** `raw_v4_hashinfo`: open sockets by {@link rawKey} (namespace id, protocol), each list oldest first. */
  readonly #table = new Map<number, RawSocket[]>();

  /** @internal made by the AF_INET family. */
  constructor(kernel: Kernel, udp: UdpProtocol) {
    this.#stack = ipv4Stack(kernel);
    this.#udp = udp;
    this.#stack.onLocalDeliver((net, protocol, skb, at, dev) => this.#input(net, protocol, skb, at, dev));
  }

  /** `raw_init` + `raw_hash_sk`: a new socket, in its namespace's table at once. */
  create(net: Net, protocol: number): RawSocket {
    const sock = new RawSocket(this, net, protocol);
    const key = rawKey(net, protocol);
    this.#table.set(key, [...(this.#table.get(key) ?? []), sock]);
    sock._stampHash();
    return sock;
  }

  /**
   * The bucket of `protocol` in `net` (`raw_hashfunc`: `hash_32(net_hash_mix(net) ^
   * protocol, RAW_HTABLE_LOG)`), what `/proc/net/raw` prints as `sl`.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { hash32, inetFamily, netHashMix, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const net = kernel.initNet;
   * inetFamily(kernel).raw.hashSlot(net, 1) === hash32(netHashMix(net) ^ 1, 8); // true
   * ```
   */
  hashSlot(net: Net, protocol: number): number {
    return hash32(netHashMix(net) ^ protocol, RAW_HTABLE_LOG);
  }

  /**
   * The raw sockets of `net` in the order `/proc/net/raw` lists them: by bucket, the
   * newest first in a bucket (each is hashed when it is created).
   *
   * @remarks
   * `raw_get_first` / `raw_get_next` (`net/ipv4/raw.c`) walk the whole table, skipping
   * other namespaces' sockets; netstage takes the raw ones among `net`'s own sockets
   * (every open raw socket is in the table).
   */
  sockets(net: Net): RawSocket[] {
    const out: RawSocket[] = [];
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof RawSocket) out.push(s);
    return out.sort((a, b) => this.hashSlot(net, a.protocol) - this.hashSlot(net, b.protocol) || b.hashStamp - a.hashStamp);
  }

  /** Raw sockets of `net` (`sock_prot_inuse_get(net, &raw_prot)`, sockstat's `RAW: inuse`). */
  inUse(net: Net): number {
    let n = 0;
    for (const s of net.state(SOCK_LIST).list()) if (s instanceof RawSocket) n++;
    return n;
  }

  /** @internal remove a socket from its namespace's table. */
  unhash(sock: RawSocket): void {
    const key = rawKey(sock.net, sock.protocol);
    const list = (this.#table.get(key) ?? []).filter((s) => s !== sock);
    if (list.length === 0) this.#table.delete(key);
    else this.#table.set(key, list);
  }

  /** @internal `raw_bind`'s address check (`inet_addr_type`), as UDP's. */
  addressBindable(net: Net, address: number): boolean {
    return this.#udp.addressBindable(net, address);
  }

  /** @internal the source a route to `dst` selects, or the call's error. */
  routeSrc(net: Net, dst: number, syscall: string): number {
    return this.#udp.route(net, dst, syscall).src;
  }

  /** @internal send one datagram of `protocol` carrying `data`. */
  output(net: Net, protocol: number, dst: number, src: number, data: Uint8Array, ttl = -1): void {
    try {
      this.#stack.send(net, { dst, ...(src === 0 ? {} : { src }), protocol, payload: data, ttl });
    } catch (err) {
      rethrow(err, 'sendto');
    }
    if (protocol === IPPROTO_ICMP && data.length > 0) {
      const type = data[0] ?? 0;
      const mib = this.#stack.snmp(net);
      mib.icmp(ICMPSTATS.OutMsgs);
      mib.icmpMsg('out', type);
      if (type === ICMP_ECHO) mib.icmp(ICMPSTATS.OutEchos);
      else if (type === ICMP_ECHOREPLY) mib.icmp(ICMPSTATS.OutEchoReps);
    }
  }

  /** `raw_v4_input`: a copy to each matching raw socket of the namespace. Never throws. */
  #input(net: Net, protocol: number, skb: Uint8Array, at: number, _dev: NetDevice): boolean {
    const list = this.#table.get(rawKey(net, protocol));
    if (list === undefined) return false;
    const src = readU32(skb, at + 12);
    const dst = readU32(skb, at + 16);
    let delivered = false;
    for (const s of list) {
      // raw_v4_match: the bound address and the connected peer, when set, must match.
      if (s.local.address !== 0 && s.local.address !== dst) continue;
      if (s.remote.address !== 0 && s.remote.address !== src) continue;
      delivered = true;
      s._deliver({ data: skb.slice(at), from: { address: src, port: 0 } });
    }
    return delivered;
  }
}

/**
 * AF_INET (`inet_create`): UDP, ping and raw sockets, picked by type and protocol as
 * Linux walks `inetsw` — `SOCK_DGRAM` with 0 or 17 is UDP (the first entry), with 1 a
 * ping socket; `SOCK_RAW` takes any protocol but 0.
 */
export class InetFamily implements SocketFamily {
  /** `AF_INET`. */
  readonly family = 'inet' as const;
  /** UDP. */
  readonly udp: UdpProtocol;
  /** Ping sockets. */
  readonly ping: PingProtocol;
  /** Raw sockets. */
  readonly raw: RawProtocol;

  /** @internal made by the sockets layer, see {@link registerInetFamily}. */
  constructor(kernel: Kernel) {
    this.udp = new UdpProtocol(kernel);
    this.ping = new PingProtocol(kernel);
    this.raw = new RawProtocol(kernel, this.udp);
  }

  /**
   * Raw sockets need only the per-protocol fence of 2342fd7e (`inet_netns_ok` always
   * allows raw IP); UDP and ping sockets also need their protocol marked namespace ready
   * (92f1fecb flagged UDP and ICMP).
   */
  stagesFor(type: SocketType): readonly string[] {
    if (type === 'raw') return [SOCKET_STAGES.inetCreate];
    return this.udp.stagesFor();
  }

  /**
   * `inet_create`.
   *
   * @throws NetError EINVAL for a protocol outside 0..262; ESOCKTNOSUPPORT for stream
   *   sockets; EPROTONOSUPPORT for what no entry serves (raw protocol 0 among them);
   *   EACCES for a ping socket outside `ping_group_range`.
   */
  create(net: Net, type: SocketType, protocol: number): Socket {
    if (protocol < 0 || protocol >= IPPROTO_MAX) throw new NetError('EINVAL', { syscall: 'socket' });
    if (type === 'dgram') {
      if (protocol === 0 || protocol === IPPROTO_UDP) return this.udp.create(net, type, protocol);
      if (protocol === IPPROTO_ICMP) return this.ping.create(net);
      throw new NetError('EPROTONOSUPPORT', { syscall: 'socket' });
    }
    if (type === 'raw') {
      if (protocol === 0 || protocol > 255) throw new NetError('EPROTONOSUPPORT', { syscall: 'socket' });
      return this.raw.create(net, protocol);
    }
    throw new NetError('ESOCKTNOSUPPORT', { syscall: 'socket' });
  }
}

/** The kernel's AF_INET family. */
export const INET_FAMILY = defineKernelKey<InetFamily>('inet-family');

/**
 * The AF_INET family of a kernel booted with the sockets layer: its UDP, ping and raw
 * protocols, and through them each namespace's socket listings.
 *
 * @throws Error when the sockets layer is not registered.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { inetFamily, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * inetFamily(kernel).udp.sockets(kernel.initNet); // []
 * ```
 */
export function inetFamily(kernel: Kernel): InetFamily {
  return kernel.state(INET_FAMILY);
}

/**
 * Make the AF_INET family and register it with the kernel; the sockets layer calls it
 * from `register`. Ping and raw sockets need no per-namespace state: their tables are
 * kernel-wide, keyed by namespace (see {@link PingProtocol}, {@link RawProtocol}).
 */
export function registerInetFamily(kernel: Kernel): InetFamily {
  const family = new InetFamily(kernel);
  kernel.setState(INET_FAMILY, family);
  return family;
}
