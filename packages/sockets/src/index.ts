/**
 * # sockets: the socket layer per namespace
 *
 * This layer owns what Linux keeps in `net/socket.c`, `net/ipv4/af_inet.c` and
 * `net/ipv4/udp.c` — and, as it grows, `net/ipv4/ping.c`, `raw.c`, `net/unix/`,
 * `net/packet/` and the Node-style facades.
 *
 * What is here:
 *
 * - **`Socket`** ({@link Socket}): an open file on a task's descriptor table that holds a
 *   counted reference to the namespace it was created in, for its whole life. A task
 *   that later moves with `setns` leaves its sockets where they were; a namespace whose
 *   last holder is a socket lives until it closes (transcript 4.G).
 * - **`socket()`** ({@link SocketLayer}): created in the task's current namespace,
 *   refused with EAFNOSUPPORT where the family does not serve that namespace yet — the
 *   fence of the 2007 series, lifted per protocol in v2.6.26.
 * - **UDP** ({@link UdpSocket}): bind (port 0 picks from `ip_local_port_range` with the
 *   seeded PRNG), connect, send, receive, close; ports per namespace, so one port binds
 *   in every namespace but only once in each (EADDRINUSE); EADDRNOTAVAIL for an address
 *   that is not the socket's namespace's — except in a namespace whose local table never
 *   existed (reference §3.1); ENETUNREACH at once without a route; a port unreachable
 *   reported as ECONNREFUSED on a connected socket's next call; a bounded receive queue
 *   with drops counted; the `Udp:` counters per namespace.
 * - **AF_UNIX** ({@link UnixProtocol}, {@link UnixStreamSocket}, {@link UnixDgramSocket}):
 *   stream (listen, connect, accept, a byte stream with EOF and EPIPE) and datagram
 *   sockets. Abstract names (`\0name`) are per namespace since v2.6.25 (097e66c5): the
 *   same name binds once in each namespace (EADDRINUSE only within one), and a connect
 *   from another namespace is refused (ECONNREFUSED). Pathnames are filesystem objects,
 *   one table for the kernel, reachable from every namespace; like Linux, a closed
 *   socket leaves its file, so the path stays taken until `unlink`. A socket looks names
 *   up in its own namespace, whatever its task has moved to since.
 * - **`dgram`** ({@link dgram}, {@link DgramSocket}): Node's `node:dgram` API over a
 *   UDP socket of one task's namespace, so code written for Node runs inside a
 *   simulated namespace. Binding, sending and delivery happen on later turns of the
 *   virtual clock, as Node's do on later turns of its event loop; errors carry Node's
 *   shape (`code`, negative `errno`, `syscall`, `address`, `port`).
 * - **AF_NETLINK** ({@link NetlinkSocket}, {@link NetlinkProtocol}): a `NETLINK_ROUTE`
 *   control socket with a typed request API (links, addresses, routes) over the same
 *   control surfaces `ip` uses. Creation is never refused — patch 08 gave netlink no
 *   EAFNOSUPPORT fence — and a socket configures the namespace it was created in, even
 *   after its task has moved with `setns`. Until `rtnl-netns-socket` (97c53cac) only
 *   initNet has an rtnetlink kernel socket (patch 12, b4b51029), so a request from any
 *   other namespace is refused with ECONNREFUSED and changes nothing; after it, errors
 *   are the ones `ip` shows (`RTNETLINK answers: …`).
 * - **AF_PACKET** ({@link PacketProtocol}, {@link PacketSocket}): raw sockets get whole
 *   Ethernet frames, datagram sockets what follows the header, with the ifindex,
 *   EtherType and packet type (`host`, `broadcast`, `multicast`, `otherhost`,
 *   `outgoing`). `ETH_P_ALL` sees every frame in and out (`dev_queue_xmit_nit`), another
 *   EtherType only received frames; `bind` narrows to one device of the socket's own
 *   namespace (ENODEV otherwise). Per namespace since v2.6.25 (d12d01d6): a socket sees
 *   only its namespace's devices, whatever happens elsewhere, and `send` puts a crafted
 *   frame on one of them. Before that stage, AF_PACKET outside initNet is EAFNOSUPPORT.
 * - **Ping and raw IP sockets** ({@link InetFamily}, {@link PingSocket},
 *   {@link RawSocket}): AF_INET picks the socket by type and protocol as `inet_create`
 *   does (raw protocol 0 is EPROTONOSUPPORT). A ping socket (`net/ipv4/ping.c`) needs the
 *   caller's group in its namespace's `ping_group_range` (default `1 0`: nobody, EACCES;
 *   tasks count as gid 0); the kernel writes its identifier into each echo request and
 *   hands it the echo replies that carry it, per namespace. A raw socket
 *   (`net/ipv4/raw.c`) gets a copy of every datagram of its protocol delivered in its
 *   namespace, IP header included, beside the normal handling. Outside initNet raw
 *   sockets open with the per-protocol fence (2342fd7e), ping sockets once ICMP is
 *   namespace ready (92f1fecb).
 * - **Socket options** ({@link Socket.setsockopt}, {@link Socket.getsockopt}): the
 *   `SOL_SOCKET` integers (`SO_RCVBUF` capped, doubled and floored as `sk_setsockopt`
 *   does; `SO_REUSEADDR`, `SO_REUSEPORT`; read-only `SO_TYPE`, `SO_DOMAIN`,
 *   `SO_PROTOCOL`; `SO_ERROR` taking the pending error). Protocol levels have no options
 *   yet and refuse as Linux refuses an unknown one. Netfilter's sockopts (`SOL_IP`
 *   64…) answer ENOPROTOOPT in every namespace: netstage has no netfilter (DESIGN §7),
 *   which is what patch 17/16 (c48dad7e) made every namespace but the first see — so
 *   that patch has no stage here: on or off, nothing a user sees would differ.
 * - **Wire**: the UDP header with its pseudo-header checksum. Every datagram is sent with
 *   its checksum written; the receiving UDP sums it unless the frame arrived marked
 *   `CHECKSUM.UNNECESSARY` (sent by a netstage stack across veth or lo), as Linux skips
 *   the sum for a CHECKSUM_PARTIAL skb there (`udp4_csum_init`).
 * - **Routes of connected sockets**: a connected UDP socket keeps the route it connected
 *   with (`sk_dst_cache`) and sends on it while its namespace's routing generation holds;
 *   any route or address change there makes the next send look it up again.
 *
 * An idle namespace is small here (DESIGN §6): what the layer keeps per namespace is a
 * handful of small objects — the live-socket list ({@link SockList}), the `net.core`
 * settings ({@link SockNet}), the UDP state ({@link UdpNet}), the AF_UNIX state
 * ({@link UnixNet}) and the rtnetlink kernel socket's identity
 * ({@link NetlinkKernelSocket}). Tables and counters inside them are made on first use
 * (the UDP port table on the first bind, the `Udp:` counters on the first count — read
 * as zeros until then — the abstract names on the first bind), and sysctls left at their
 * default share one value (`ip_local_port_range`). Ping and raw sockets have no
 * per-namespace state at all: like Linux's `ping_table` and `raw_v4_hashinfo`, their
 * tables are kernel-wide, keyed by (namespace id, identifier or protocol), and each
 * namespace's listing is taken from its own live sockets.
 *
 * Not yet: `IP_HDRINCL`, ICMP errors to ping and raw sockets, netlink message encoding,
 * protocol-level socket options, TCP. TCP will be a second `IpProtocol` and a second kind of AF_INET
 * socket beside UDP: {@link InetFamily} picks the socket by type and protocol, and its
 * port table can be per-namespace state made on first use, as UDP's is.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl, devicesLayer } from '@netstage/devices';
 * import { ipv4Layer, parseIpv4 } from '@netstage/ipv4';
 * import { socketLayer, socketsLayer, type UdpSocket } from '@netstage/sockets';
 *
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const sh = kernel.initTask;
 * new LinkControl(kernel).set(sh, 'lo', { up: true });
 * const sockets = socketLayer(kernel);
 * const a = sockets.fdSocket(sh, sockets.socket(sh, 'inet', 'dgram')) as UdpSocket;
 * const b = sockets.fdSocket(sh, sockets.socket(sh, 'inet', 'dgram')) as UdpSocket;
 * const lo = parseIpv4('127.0.0.1') ?? 0;
 * b.bind({ address: lo, port: 4000 });
 * a.send(new TextEncoder().encode('hi'), { address: lo, port: 4000 });
 * kernel.clock.runUntilIdle();
 * new TextDecoder().decode(b.recv().data); // 'hi'
 * ```
 *
 * @packageDocumentation
 */

export * from './dgram.js';
export { DATAGRAM_OVERHEAD, InetQueueSocket, type Datagram } from './inet-queue.js';
export * from './inet-raw.js';
export { socketsLayer } from './layer.js';
export * from './netlink.js';
export * from './packet.js';
export * from './sock-list.js';
export { SOCK_NET, SOMAXCONN, SockNet } from './sock-net.js';
export {
  SOCKETS,
  RMEM_DEFAULT,
  RMEM_MAX,
  IP,
  SO,
  SOCK_MIN_RCVBUF,
  SOL,
  Socket,
  SocketLayer,
  socketLayer,
  type Family,
  type SockAddrIn,
  type SocketFamily,
  type SocketType,
} from './socket.js';
export { SOCKET_STAGES, socketsStages } from './stages.js';
export {
  IPPROTO_UDP,
  SK_MEMORY_PCPU_RESERVE,
  UDP,
  UDP_HTABLE_SIZE,
  UDP_MIB,
  UDPSTATS,
  UDP_PORT_RANGE_DEFAULT,
  UdpNet,
  UdpProtocol,
  UdpSocket,
  type UdpMibField,
} from './udp.js';
export * from './unix.js';
export * from './wire/udp.js';
