/**
 * # ipv4: IPv4 per namespace
 *
 * This layer owns what Linux keeps in `net/ipv4/`: `devinet.c` (addresses on devices,
 * the `conf/` settings), `fib_frontend.c` and `fib_trie.c` (routing tables, the routes
 * the kernel derives from addresses, lookups), `arp.c` with `net/core/neighbour.c`,
 * `ip_input.c`, `ip_output.c`, `ip_forward.c` and `icmp.c`.
 *
 * What is here:
 *
 * - **Addresses** per device ({@link IfAddr}): primaries and secondaries by subnet,
 *   scopes, labels, broadcast; duplicates and missing addresses refused with the
 *   kernel's messages; `lo` gets 127.0.0.1/8 when it comes up; a device that leaves
 *   its namespace loses its addresses (through the device-event chain).
 * - **Routing tables** per namespace ({@link Fib}), created on first use as Linux does
 *   (the local table does not exist before the first address; main comes with it): the
 *   automatic `local`, `broadcast` and connected routes with `proto kernel`, their
 *   scopes and `src`, exactly as `fib_add_ifaddr` makes them, gone when the device goes
 *   down; user routes (unicast through a device or a gateway, blackhole, unreachable,
 *   prohibit) with metrics, TOS, preferred source; longest-prefix match by a scan of
 *   at most 16 routes in a small table, at most one map read per prefix length in use
 *   in a larger one ({@link FibTable}). Every route or address change moves the
 *   namespace's routing generation ({@link Ipv4.routeGeneration}, `rt_genid`), which
 *   is how a socket knows the route it kept is still the answer.
 * - **Settings** per namespace (`ip_forward`, `conf/{all,default,<dev>}`), copied from
 *   initNet when a namespace is created.
 * - **The packet path** ({@link Ipv4Stack}): ARP with the neighbour state machine on the
 *   virtual clock (INCOMPLETE with queued datagrams, REACHABLE, STALE, DELAY, PROBE,
 *   FAILED with host-unreachable errors), IPv4 input with header validation counted in
 *   the MIB, local delivery to registered transport protocols behind their stages,
 *   forwarding (TTL, time exceeded, unreachable, fragmentation needed), output
 *   (route, source, neighbour) with ENETUNREACH at once when there is no route,
 *   fragmentation on output and forwarding when DF is clear, reassembly on input with
 *   a 30-second timeout on the virtual clock, and ICMP: echo replies (honouring
 *   `icmp_echo_ignore_all`) and rate-limited errors.
 * - **SNMP counters** per namespace, named as `/proc/net/snmp` names them ({@link Snmp}),
 *   counted by index ({@link IPSTATS}, {@link ICMPSTATS}, {@link IPEXTSTATS}, as Linux's
 *   `IPSTATS_MIB_*` enums): an array increment per event, no name lookup.
 * - **The control surface** ({@link InetControl}) that `ip addr` and `ip route` will
 *   sit on, behind the v2.6.25–26 rtnetlink fences.
 * - **Wire formats** in `wire/`: the Internet checksum, IPv4 addresses as numbers, and
 *   typed views and reprs for IPv4 headers (with TTL decrement and fragment offsets),
 *   ARP and ICMP.
 *
 * An idle namespace is small (DESIGN.md §6): what it has not used it does not hold. Its
 * settings are the shared defaults until written ({@link Ipv4Sysctls}); its main table
 * is one shared empty table until it gets a route; the neighbour table and the fragment
 * queues make their maps with the first entry and fragment; the counters their arrays
 * with the first count; a device's settings live in its {@link InDevice}; `lo`'s three
 * routes carry only what differs between kernel routes ({@link KernelRoute}); and every
 * per-namespace list is an array exactly as long as its contents. With `lo` up the
 * layer adds about 850 bytes to a namespace.
 *
 * Not yet: per-namespace ICMP settings as a stage of their own (they follow
 * `devinet-conf-per-ns` for now), and IP options (skipped on input, never emitted).
 *
 * What it never does: know about sockets or files. Transport protocols will register
 * with it; procfs will format its tables.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl, devicesLayer } from '@netstage/devices';
 * import { InetControl, ipv4Layer, ipv4ToString, parseIpv4 } from '@netstage/ipv4';
 *
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
 * kernel.netns.add('a');
 * const sh = kernel.netns.exec('a', kernel.initTask);
 * new LinkControl(kernel).set(sh, 'lo', { up: true });
 * const inet = new InetControl(kernel);
 * inet.showRoutes(sh, 255).map((r) => `${r.type} ${ipv4ToString(r.dst)}/${r.prefixLen}`);
 * // ['local 127.0.0.0/8', 'local 127.0.0.1/32', 'broadcast 127.255.255.255/32']
 * inet.routeGet(sh, parseIpv4('127.0.0.1') ?? 0).dev?.name; // 'lo'
 * sh.exit();
 * ```
 *
 * @packageDocumentation
 */

export { IPV4_SYSCTLS, Ipv4Sysctls, copyDevConf, type DevConf } from './conf.js';
export { InetControl, type AddrInfo, type RouteRequest } from './control.js';
export { Fib, FibTable, KernelRoute, RT_SCOPE, RT_TABLE, type Route, type RouteProtocol, type RouteType } from './fib.js';
export * from './frag.js';
export {
  FIB,
  INET,
  IPV4,
  InDevice,
  InetDevices,
  Ipv4,
  ipv4,
  type AddrSpec,
  type IfAddr,
  type RouteResult,
  type RouteSpec,
} from './inet.js';
export { ipv4Layer } from './layer.js';
export { NEIGH, NEIGH_PARMS, NeighTable, type Neighbour, type NudState } from './neigh.js';
export { ICMP_MIB, ICMPSTATS, IPEXT_MIB, IPEXTSTATS, IPSTATS, IP_MIB, SNMP, Snmp, snmpOf, type IcmpMib, type IpExtMib, type IpMib, type MibIndex, mibIndex } from './snmp.js';
export { FRAGS, IPV4_SEND_HEADROOM, IPV4_STACK, Ipv4Stack, ipv4Stack, type IcmpEvent, type IpProtocol, type LocalDeliverListener, type SendRequest } from './stack.js';
export { IPV4_STAGES, ipv4Stages } from './stages.js';
export * from './wire/arp.js';
export * from './wire/checksum.js';
export * from './wire/icmp.js';
export * from './wire/ipv4.js';
