/**
 * UDP (`net/ipv4/udp.c`): sockets, the per-namespace port table, delivery, ICMP errors,
 * and the `Udp:` counters.
 *
 * @module
 */

import { NetError, allocPacketBuffer, defineNetKey, insertedAt, readU16, readU32, removedAt, type Kernel, type Net, type Stage } from '@netstage/core-net';
import { CHECKSUM, type NetDevice } from '@netstage/devices';
import { IPSTATS, IPV4_SEND_HEADROOM, ipv4, ipv4Stack, mibIndex, type Ipv4, type Ipv4Stack, type MibIndex, type RouteResult } from '@netstage/ipv4';
import { InetQueueSocket } from './inet-queue.js';
import { SOCK_LIST, netHashMix } from './sock-list.js';
import type { SockAddrIn, Socket, SocketFamily, SocketType } from './socket.js';
import { SOCKET_STAGES } from './stages.js';
import { UDP_HEADER_LENGTH, emitUdpFields, udpDatagramError } from './wire/udp.js';

/** `IPPROTO_UDP`. */
export const IPPROTO_UDP = 17;

/** The `Udp:` fields of `/proc/net/snmp`, in order. */
export const UDP_MIB = [
  'InDatagrams',
  'NoPorts',
  'InErrors',
  'OutDatagrams',
  'RcvbufErrors',
  'SndbufErrors',
  'InCsumErrors',
  'IgnoredMulti',
  'MemErrors',
] as const;

/** A `Udp:` field. */
export type UdpMibField = (typeof UDP_MIB)[number];

/**
 * Buckets of the UDP port hash table (`udp_table.hash`), a power of two.
 *
 * @remarks
 * `udp_table_init()` (`net/ipv4/udp.c`) sizes the table from memory at boot (`uhash_entries`
 * overrides it); the machine the reference transcripts come from logs `UDP hash table
 * entries: 16384`. Namespaces share it (`udp_child_hash_entries` 0, the default).
 */
export const UDP_HTABLE_SIZE = 16_384;

/**
 * `SK_MEMORY_PCPU_RESERVE` in pages: what one CPU's forward-allocation cache holds back
 * before a protocol's `memory_allocated` (sockstat's `mem`) moves.
 */
export const SK_MEMORY_PCPU_RESERVE = 256;

/**
 * Each `Udp:` field's index (`UDP_MIB_*` in `include/uapi/linux/snmp.h`): what
 * {@link UdpNet.count} takes, so counting on the per-datagram path is an array increment.
 *
 * @example
 * ```ts
 * import { UDPSTATS } from '@netstage/sockets';
 * UDPSTATS.InDatagrams; // 0
 * ```
 */
export const UDPSTATS = mibIndex<UdpMibField, 'Udp'>(UDP_MIB);

/** What a namespace that has counted nothing reads: every `Udp:` field 0. */
const NO_UDP_COUNTS: readonly number[] = Object.freeze(UDP_MIB.map(() => 0));

/** The port table of a namespace that has never bound a UDP socket: empty, never written. */
const NO_UDP_PORTS: ReadonlyMap<number, readonly UdpSocket[]> = new Map();

/**
 * `ip_local_port_range`'s default, shared by every namespace until one is written (a
 * write replaces a namespace's pair, never changes this one).
 *
 * @remarks
 * `inet_init_net()` (`net/ipv4/af_inet.c`) sets `net->ipv4.ip_local_ports` to 32768 60999.
 *
 * @example
 * ```ts
 * import { UDP_PORT_RANGE_DEFAULT } from '@netstage/sockets';
 * UDP_PORT_RANGE_DEFAULT; // [32768, 60999]
 * ```
 */
export const UDP_PORT_RANGE_DEFAULT: readonly [number, number] = Object.freeze([32768, 60999] as const);

/**
 * One namespace's UDP state: the port table, the counters, the ephemeral range.
 *
 * An idle namespace pays for this object only: the port table is made on the first
 * bind, the counters on the first count (a reader sees zeros until then), and the
 * range is the shared default until a write gives the namespace its own pair.
 *
 * @remarks
 * Linux's port table is `udp_table`, one for the kernel (`udp_table_init`), so a
 * namespace without UDP sockets has no entries in it; the counters
 * (`net->mib.udp_statistics`) are allocated per namespace in `ipv4_mib_init_net()`
 * (`net/ipv4/af_inet.c`), which netstage defers to the first count.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { UDP, UDPSTATS, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const udp = kernel.initNet.state(UDP);
 * udp.get('NoPorts'); // 0
 * udp.count(UDPSTATS.NoPorts);
 * udp.mib[1]; // 1
 * ```
 */
export class UdpNet {
  /** Sockets by local port, each list in the order they were hashed; made on first bind. */
  #byPort: Map<number, UdpSocket[]> | undefined;
  /** Counters, indexed as {@link UDP_MIB}; made on first count. */
  #mib: Float64Array | undefined;
  /** `ip_local_port_range`: the shared default until written (assign a new pair to change it). */
  portRange: readonly [number, number] = UDP_PORT_RANGE_DEFAULT;

  /** Sockets by local port (read only: {@link UdpProtocol} hashes and unhashes). */
  get byPort(): ReadonlyMap<number, readonly UdpSocket[]> {
    return this.#byPort ?? NO_UDP_PORTS;
  }

  /** Counters, indexed as {@link UDP_MIB}: zeros until the first count. */
  get mib(): ArrayLike<number> {
    return this.#mib ?? NO_UDP_COUNTS;
  }

  /** Count a `Udp:` event. */
  count(i: MibIndex<'Udp'>, by = 1): void {
    const mib = (this.#mib ??= new Float64Array(UDP_MIB.length));
    mib[i] = (mib[i] ?? 0) + by;
  }

  /** A counter. */
  get(field: UdpMibField): number {
    return this.#mib?.[UDPSTATS[field]] ?? 0;
  }

  /** The sockets bound to `port`, oldest first; `undefined` when none. */
  bound(port: number): readonly UdpSocket[] | undefined {
    return this.#byPort?.get(port);
  }

  /** @internal {@link UdpProtocol.hash}: `sock` joins its port's list (a new list: readers may be iterating the old one). */
  _hash(sock: UdpSocket): void {
    const table = (this.#byPort ??= new Map());
    const port = sock.local.port;
    const list = table.get(port) ?? [];
    table.set(port, insertedAt(list, list.length, sock));
  }

  /** @internal {@link UdpProtocol.unhash}: `sock` leaves its port's list. */
  _unhash(sock: UdpSocket): void {
    const table = this.#byPort;
    const port = sock.local.port;
    const list = table?.get(port);
    if (table === undefined || list === undefined) return;
    const i = list.indexOf(sock);
    if (i < 0) return;
    if (list.length === 1) table.delete(port);
    else table.set(port, removedAt(list, i));
  }
}

/** Each namespace's UDP state; initNet's while `udp-lookup-per-ns` is off. */
export const UDP = defineNetKey<UdpNet>('udp', { stage: SOCKET_STAGES.udpLookup });


/** `icmp_err_convert`: the errno an ICMP destination-unreachable code means, and whether it is fatal. */
function icmpErrno(type: number, code: number): { errno: 'ECONNREFUSED' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ENOPROTOOPT' | 'EMSGSIZE'; fatal: boolean } | undefined {
  if (type === 11) return { errno: 'EHOSTUNREACH', fatal: false };
  if (type !== 3) return undefined;
  switch (code) {
    case 0:
      return { errno: 'ENETUNREACH', fatal: false };
    case 1:
      return { errno: 'EHOSTUNREACH', fatal: false };
    case 2:
      return { errno: 'ENOPROTOOPT', fatal: true };
    case 3:
      return { errno: 'ECONNREFUSED', fatal: true };
    case 4:
      return { errno: 'EMSGSIZE', fatal: false };
    default:
      return { errno: 'EHOSTUNREACH', fatal: false };
  }
}

/**
 * A UDP socket (`struct udp_sock`): bound to a local address and port, optionally
 * connected, with a bounded receive queue.
 */
export class UdpSocket extends InetQueueSocket {
  readonly #udp: UdpProtocol;
  /** The route to the connected peer (`sk_dst_cache`), good while `#dstGenid` holds. */
  #dst: RouteResult | undefined;
  /** The namespace's routing generation when `#dst` was looked up. */
  #dstGenid = -1;

  /** @internal made by the AF_INET family. */
  constructor(udp: UdpProtocol, net: Net) {
    super(net, 'inet', 'dgram', IPPROTO_UDP);
    this.#udp = udp;
  }

  /**
   * `bind(2)`.
   *
   * @throws NetError EINVAL when already bound; EADDRNOTAVAIL for an address that is not
   *   the namespace's (see `addressBindable`); EADDRINUSE for a port taken in this
   *   namespace.
   */
  bind(addr: SockAddrIn): void {
    if (this.local.port !== 0) throw new NetError('EINVAL', { syscall: 'bind' });
    if (!this.#udp.addressBindable(this.net, addr.address)) throw new NetError('EADDRNOTAVAIL', { syscall: 'bind' });
    const port = this.#udp.allocatePort(this, addr.address >>> 0, addr.port);
    this.local = { address: addr.address >>> 0, port };
    this.#udp.hash(this);
  }

  /**
   * `connect(2)`: a route must exist (ENETUNREACH at once); the socket gets a port and,
   * when unbound, the source address the route selects.
   *
   * @throws NetError ENETUNREACH and the other route errors; EADDRINUSE when no port is free.
   */
  connect(addr: SockAddrIn): void {
    const r = this.#udp.route(this.net, addr.address, 'connect');
    if (this.local.port === 0) {
      const port = this.#udp.allocatePort(this, 0, 0);
      this.local = { address: 0, port };
      this.#udp.hash(this);
    }
    if (this.local.address === 0) this.local = { address: r.src, port: this.local.port };
    this.remote = { address: addr.address >>> 0, port: addr.port };
    // ip4_datagram_connect: the route is kept on the socket (sk_dst_set).
    this.#dst = r;
    this.#dstGenid = this.#udp.routeGeneration(this.net);
  }

  /**
   * `sendto(2)` / `send(2)`.
   *
   * @throws NetError the pending error of an earlier ICMP report (once); EDESTADDRREQ
   *   unconnected without a destination; ENETUNREACH (immediately, nothing sent) and the
   *   other route errors; EMSGSIZE over 65507 bytes.
   */
  send(data: Uint8Array, to?: SockAddrIn): void {
    const err = this.takeError();
    if (err !== undefined) throw err;
    const dst = to ?? (this.remote.port !== 0 ? this.remote : undefined);
    if (dst === undefined) throw new NetError('EDESTADDRREQ', { syscall: 'sendto' });
    if (data.length > 65_507) throw new NetError('EMSGSIZE', { syscall: 'sendto' });
    const r = to === undefined ? this.#connectedRoute(dst.address) : this.#udp.route(this.net, dst.address, 'sendto');
    if (this.local.port === 0) {
      const port = this.#udp.allocatePort(this, 0, 0);
      this.local = { address: this.local.address, port };
      this.#udp.hash(this);
    }
    const src = this.local.address !== 0 ? this.local.address : r.src;
    this.#udp.output(this.net, src, this.local.port, dst, data, this.ttl, r);
  }

  /**
   * `udp_sendmsg` on a connected socket without a destination: the cached route while
   * the namespace's routing generation holds (`sk_dst_check`), else a new lookup, kept.
   */
  #connectedRoute(dst: number): RouteResult {
    const genid = this.#udp.routeGeneration(this.net);
    if (this.#dst !== undefined && genid === this.#dstGenid && genid >= 0) return this.#dst;
    const r = this.#udp.route(this.net, dst, 'sendto');
    this.#dst = r;
    this.#dstGenid = genid;
    return r;
  }

  /** Two while in the port table (the table's `sock_hold`), else one. */
  override get refcount(): number {
    return this.local.port !== 0 ? 2 : 1;
  }

  protected closeProtocol(): void {
    this.#udp.unhash(this);
    this.clearQueue();
  }
}

/**
 * UDP for one kernel: the AF_INET datagram family's socket factory, the receive and
 * error handlers registered with IPv4, and port allocation.
 */
export class UdpProtocol implements SocketFamily {
  readonly family = 'inet' as const;
  readonly #kernel: Kernel;
  readonly #ip: Ipv4;
  readonly #stack: Ipv4Stack;
  readonly #snmpStage: Stage;
  readonly #discard = new UdpNet();

  /** @internal made by the sockets layer. */
  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#ip = ipv4(kernel);
    this.#stack = ipv4Stack(kernel);
    this.#snmpStage = kernel.manifest.stage('snmp-per-ns');
    this.#stack.registerProtocol({
      name: 'udp',
      protocol: IPPROTO_UDP,
      stage: SOCKET_STAGES.netnsOk,
      receive: (net, skb, at, dev, ipSummed) => this.#rcv(net, skb, at, dev, ipSummed),
      error: (net, type, code, original) => this.#err(net, type, code, original),
    });
  }

  /** AF_INET needs the inet_create fence lifted and UDP marked namespace ready. */
  stagesFor(): readonly string[] {
    return [SOCKET_STAGES.udpLookup, SOCKET_STAGES.inetCreate, SOCKET_STAGES.netnsOk];
  }

  /**
   * `inet_create` for what netstage has: UDP datagram sockets.
   *
   * @throws NetError ESOCKTNOSUPPORT for other types; EPROTONOSUPPORT for other protocols.
   */
  create(net: Net, type: SocketType, protocol: number): Socket {
    if (type !== 'dgram') throw new NetError('ESOCKTNOSUPPORT', { syscall: 'socket' });
    if (protocol !== 0 && protocol !== IPPROTO_UDP) throw new NetError('EPROTONOSUPPORT', { syscall: 'socket' });
    return new UdpSocket(this, net);
  }

  /** The UDP state of `net`. */
  state(net: Net): UdpNet {
    return net.state(UDP);
  }

  /** The counters `net` counts into (nowhere before `snmp-per-ns`, outside initNet). */
  mib(net: Net): UdpNet {
    return net.isInit || this.#kernel.stages.isOn(this.#snmpStage) ? net.state(UDP) : this.#discard;
  }

  /**
   * Whether `bind` may use `address` in `net` (`inet_bind` with `inet_addr_type`):
   * INADDR_ANY, a local, broadcast or multicast address — and, while the namespace's
   * local table has never existed, any address at all (reference §3.1's quirk:
   * `__inet_dev_addr_type` starts from RTN_BROADCAST and only asks the local table if
   * there is one).
   */
  addressBindable(net: Net, address: number): boolean {
    const a = address >>> 0;
    if (a === 0 || a === 0xffffffff || (a >>> 28) === 0xe) return true;
    const local = this.#ip.table(net, 255);
    if (local === undefined) return true;
    const r = local.lookup(a);
    return r !== undefined && (r.type === 'local' || r.type === 'broadcast');
  }

  /**
   * The port a socket gets (`udp_lib_get_port`): the one asked for if free, else
   * EADDRINUSE; for 0, a free one from `ip_local_port_range`, starting at a random
   * offset from the kernel's seeded PRNG.
   *
   * @throws NetError EADDRINUSE.
   */
  allocatePort(sock: UdpSocket, address: number, port: number): number {
    const st = this.state(sock.net);
    if (port !== 0) {
      if (this.#conflict(st, sock, address, port)) throw new NetError('EADDRINUSE', { syscall: 'bind' });
      return port;
    }
    const [low, high] = st.portRange;
    const span = high - low + 1;
    const start = this.#kernel.random.nextInt(span);
    for (let i = 0; i < span; i++) {
      const p = low + ((start + i) % span);
      if (!this.#conflict(st, sock, address, p)) return p;
    }
    throw new NetError('EADDRINUSE', { syscall: 'bind' });
  }

  /** `udp_lib_lport_inuse`: another socket on the port whose address overlaps, unless both share. */
  #conflict(st: UdpNet, sock: UdpSocket, address: number, port: number): boolean {
    for (const other of st.bound(port) ?? []) {
      if (other === sock) continue;
      const overlap = other.local.address === 0 || address === 0 || other.local.address === address;
      if (!overlap) continue;
      if ((sock.reuseAddr && other.reuseAddr) || (sock.reusePort && other.reusePort)) continue;
      return true;
    }
    return false;
  }

  /** @internal add a bound socket to its namespace's table. */
  hash(sock: UdpSocket): void {
    this.state(sock.net)._hash(sock);
    sock._stampHash();
  }

  /**
   * The bucket of `port` in `net` (`udp_hashfn`: `(port + net_hash_mix(net)) & mask`),
   * what `/proc/net/udp` prints as `sl`.
   *
   * @example
   * ```ts
   * import { Kernel } from '@netstage/core-net';
   * import { devicesLayer } from '@netstage/devices';
   * import { ipv4Layer } from '@netstage/ipv4';
   * import { UDP_HTABLE_SIZE, inetFamily, netHashMix, socketsLayer } from '@netstage/sockets';
   * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
   * const net = kernel.initNet;
   * inetFamily(kernel).udp.hashSlot(net, 4000) === ((4000 + netHashMix(net)) & (UDP_HTABLE_SIZE - 1)); // true
   * ```
   */
  hashSlot(net: Net, port: number): number {
    return (port + netHashMix(net)) & (UDP_HTABLE_SIZE - 1);
  }

  /**
   * The UDP sockets of `net` in the order `/proc/net/udp` lists them: bucket by bucket
   * ({@link UdpProtocol.hashSlot}), and in a bucket the one hashed last first (a chain
   * adds at its head). Unbound sockets are in no bucket and not listed.
   *
   * @remarks
   * `udp_get_first` / `udp_get_next` (`net/ipv4/udp.c`) walk `udptable->hash`, skipping
   * other namespaces' sockets.
   */
  sockets(net: Net): UdpSocket[] {
    const out: UdpSocket[] = [];
    for (const list of this.state(net).byPort.values()) for (const s of list) if (s.net === net) out.push(s);
    return out.sort((a, b) => this.hashSlot(net, a.local.port) - this.hashSlot(net, b.local.port) || b.hashStamp - a.hashStamp);
  }

  /** UDP sockets of `net` in the port table (`sock_prot_inuse_get(net, &udp_prot)`, sockstat's `UDP: inuse`). */
  inUse(net: Net): number {
    let n = 0;
    for (const list of this.state(net).byPort.values()) for (const s of list) if (s.net === net) n++;
    return n;
  }

  /**
   * Pages UDP receive queues hold kernel-wide, as sockstat's `UDP: mem` shows them
   * (`proto_memory_allocated(&udp_prot)`).
   *
   * @remarks
   * Each socket's charge is rounded up to pages (`sk_mem_pages`). Linux moves the global
   * figure in batches of a CPU's reserve (`sk_memory_allocated_add`,
   * {@link SK_MEMORY_PCPU_RESERVE}): below it nothing shows, which is what a lightly
   * loaded machine prints (0). netstage models one CPU: 0 below the reserve, the total
   * from there on.
   */
  memoryPages(): number {
    let pages = 0;
    for (const net of this.#kernel.nets()) {
      if (!net.hasOwnState(SOCK_LIST)) continue;
      for (const s of net.state(SOCK_LIST).list()) if (s instanceof UdpSocket) pages += Math.ceil(s.queuedBytes / 4096);
    }
    return pages < SK_MEMORY_PCPU_RESERVE ? 0 : pages;
  }

  /** @internal remove a socket from its namespace's table. */
  unhash(sock: UdpSocket): void {
    if (sock.local.port === 0) return;
    this.state(sock.net)._unhash(sock);
  }

  /** @internal `net`'s routing generation, for a socket's cached route (-1: cache nothing). */
  routeGeneration(net: Net): number {
    return this.#ip.routeGeneration(net);
  }

  /** @internal a route for a socket call, or the call's error. */
  route(net: Net, dst: number, syscall: string): RouteResult {
    try {
      return this.#ip.routeLookup(net, dst);
    } catch (err) {
      if (err instanceof NetError) {
        if (err.code === 'ENETUNREACH') this.#stack.snmp(net).ip(IPSTATS.OutNoRoutes);
        throw new NetError(err.code, { syscall });
      }
      throw err;
    }
  }

  /**
   * @internal build and send one datagram (`udp_send_skb`) along `route`, the lookup
   * `sendto` made for `dst` (`udp_sendmsg` routes once and hands the route down with the
   * skb). The datagram is built in the frame it leaves in, behind the headroom the IP
   * and link headers take, so a send allocates one buffer and copies the data once.
   */
  output(net: Net, src: number, sport: number, dst: SockAddrIn, data: Uint8Array, ttl: number, route: RouteResult): void {
    const daddr = dst.address >>> 0;
    const frame = allocPacketBuffer(IPV4_SEND_HEADROOM + UDP_HEADER_LENGTH + data.length);
    // Fields as arguments: no repr object per datagram.
    emitUdpFields(frame, IPV4_SEND_HEADROOM, src, daddr, sport, dst.port, data.length, data);
    // The checksum was just written: a receiver across veth or lo need not sum it again.
    this.#stack.sendRouted(net, route, frame, daddr, src, IPPROTO_UDP, ttl, 0, false, CHECKSUM.UNNECESSARY);
    this.mib(net).count(UDPSTATS.OutDatagrams);
  }

  /** The best socket for a datagram (`udp4_lib_lookup`): connected and specific beat wildcard. */
  lookup(net: Net, src: number, sport: number, dst: number, dport: number): UdpSocket | undefined {
    let best: UdpSocket | undefined;
    let bestScore = -1;
    for (const s of this.state(net).bound(dport) ?? []) {
      if (s.local.address !== 0 && s.local.address !== dst) continue;
      if (s.remote.port !== 0 && (s.remote.address !== src || s.remote.port !== sport)) continue;
      const score = (s.local.address !== 0 ? 2 : 0) + (s.remote.port !== 0 ? 4 : 0);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * `__udp4_lib_rcv`: the datagram starts `at` bytes into `skb` and ends where `skb` does.
   * Never throws: counts and drops.
   */
  #rcv(net: Net, skb: Uint8Array, at: number, dev: NetDevice, ipSummed: number): void {
    const mib = this.mib(net);
    const ihl = ((skb[at] ?? 0) & 0x0f) * 4;
    const src = readU32(skb, at + 12);
    const dst = readU32(skb, at + 16);
    const uh = at + ihl;
    // Checked and read in place: no view or datagram object per packet.
    const bad = udpDatagramError(skb, uh, src, dst, ipSummed === CHECKSUM.UNNECESSARY);
    if (bad !== undefined) {
      if (bad.kind === 'checksum') mib.count(UDPSTATS.InCsumErrors);
      mib.count(UDPSTATS.InErrors);
      return;
    }
    const sourcePort = readU16(skb, uh);
    const sock = this.lookup(net, src, sourcePort, dst, readU16(skb, uh + 2));
    if (sock === undefined) {
      mib.count(UDPSTATS.NoPorts);
      if (dst !== 0xffffffff && (dst >>> 28) !== 0xe) this.#stack.icmpSend(net, 3, 3, skb.subarray(at), dev);
      return;
    }
    const data = skb.slice(uh + UDP_HEADER_LENGTH, uh + readU16(skb, uh + 4));
    if (sock._deliver({ data, from: { address: src, port: sourcePort } })) {
      mib.count(UDPSTATS.InDatagrams);
    } else {
      mib.count(UDPSTATS.RcvbufErrors);
      mib.count(UDPSTATS.InErrors);
    }
  }

  /** `udp_err`: a fatal ICMP error becomes the connected socket's pending error. */
  #err(net: Net, type: number, code: number, original: Uint8Array): void {
    const ihl = ((original[0] ?? 0) & 0x0f) * 4;
    if (original.length < ihl + 4) return;
    const saddr = readU32(original, 12);
    const daddr = readU32(original, 16);
    const sport = ((original[ihl] ?? 0) << 8) | (original[ihl + 1] ?? 0);
    const dport = ((original[ihl + 2] ?? 0) << 8) | (original[ihl + 3] ?? 0);
    // The datagram went from us (saddr:sport) to them (daddr:dport): look up as its reply.
    const sock = this.lookup(net, daddr, dport, saddr, sport);
    const e = icmpErrno(type, code);
    if (sock === undefined || e === undefined) return;
    // Without IP_RECVERR only fatal errors, and only on connected sockets, are reported.
    if (!e.fatal || sock.remote.port === 0) return;
    sock._error(new NetError(e.errno, { syscall: 'recvfrom' }));
  }
}
