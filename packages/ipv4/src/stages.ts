/**
 * The ipv4 layer's stages, in upstream order (reference §2.2). This first part of the
 * layer carries addresses and routing; ARP, IP input/output, ICMP and the SNMP counters
 * bring their own stages with them.
 *
 * The mainline subjects of these commits were not available to check; each is written
 * from what the commit did and marked `subjectVerified: false` (the ids are checked).
 *
 * @module
 */

import type { StageDef } from '@netstage/core-net';

/** Stage ids of this layer, for code that names them. */
export const IPV4_STAGES = {
  fibTables: 'fib-tables-per-ns',
  routeMethods: 'fib-route-methods',
  devconf: 'devinet-conf-per-ns',
  inetdevEvents: 'inetdev-events-per-ns',
  addrMethods: 'ipv4-addr-methods',
  routeGet: 'ipv4-route-get',
  neigh: 'neigh-per-ns',
  icmp: 'icmp-per-ns',
  ipRcv: 'ip-rcv-per-protocol',
  arpRcv: 'arp-rcv-per-ns',
  snmp: 'snmp-per-ns',
} as const;

/**
 * The stages `@netstage/ipv4` contributes so far.
 *
 * @example
 * ```ts
 * import { ipv4Stages } from '@netstage/ipv4';
 * ipv4Stages.map((s) => s.id).includes('ipv4-addr-methods'); // true
 * ```
 */
export const ipv4Stages: readonly StageDef[] = [
  {
    id: IPV4_STAGES.fibTables,
    layer: 'ipv4',
    order: 25_010,
    subject: '[NETNS]: Place fib tables into struct net',
    subjectVerified: false,
    commit: 'e4aef8aea31e6fc61b33a57120968a6e9824d138',
    release: 'v2.6.25',
    opens: ['routing tables per namespace'],
    whileOff: 'one set of routing tables for the kernel (initNet\'s); other namespaces reach none',
    requires: ['dev-list-per-ns'],
  },
  {
    id: IPV4_STAGES.routeMethods,
    layer: 'ipv4',
    order: 25_011,
    subject: '[NETNS]: Enable routing configuration in non-initial namespace',
    subjectVerified: false,
    commit: '8cced9eff1d413c28efac9c5ac5a75793c9251cf',
    release: 'v2.6.25',
    opens: ['route add, delete and dump from any namespace', 'the FIB device and address notifiers'],
    whileOff: 'route changes from a non-initial namespace fail with EINVAL, route dumps there are empty, and its devices\' events leave the tables alone',
    requires: [IPV4_STAGES.fibTables, 'rtnl-netns-socket'],
  },
  {
    id: IPV4_STAGES.neigh,
    layer: 'ipv4',
    order: 25_015,
    subject: '[NETNS]: Add netns to neighbour table',
    subjectVerified: false,
    commit: '426b5303eb435d98b9bee37a807be386bc2b3320',
    release: 'v2.6.25',
    opens: ['a neighbour (ARP) table per namespace'],
    whileOff: 'one neighbour table for the kernel (initNet\'s); datagrams from other namespaces find no neighbour and are dropped',
    requires: ['dev-list-per-ns'],
  },
  {
    id: IPV4_STAGES.devconf,
    layer: 'ipv4',
    order: 25_020,
    subject: '[NETNS]: Make ipv4_devconf per namespace',
    subjectVerified: false,
    commit: '752d14dc6aa9d0fc8f3b25e5052596fb549e5157',
    release: 'v2.6.25',
    opens: ['conf/all, conf/default (ip_forward) per namespace, copied from initNet at creation'],
    whileOff: 'one conf/all and conf/default for the kernel (initNet\'s)',
    requires: ['net-ns-clone'],
  },
  {
    id: IPV4_STAGES.inetdevEvents,
    layer: 'ipv4',
    order: 26_010,
    subject: '[NETNS]: Process inetdev events in the correct namespace',
    subjectVerified: false,
    commit: 'be162d6288053305c32588c0596eb5e8dd90c564',
    release: 'v2.6.26',
    opens: ['IPv4 state for devices outside initNet (inetdev_event)', '127.0.0.1 on lo when it comes up'],
    whileOff: 'devices outside initNet get no IPv4 state: no addresses, lo stays without 127.0.0.1',
    requires: [IPV4_STAGES.routeMethods, 'dev-events-ns-safe'],
  },
  {
    id: IPV4_STAGES.addrMethods,
    layer: 'ipv4',
    order: 26_011,
    subject: '[NETNS]: Enable address configuration in non-initial namespaces',
    subjectVerified: false,
    commit: '3776c8891a2d3c5892fa50ab9e2a3b68f5674be6',
    release: 'v2.6.26',
    opens: ['address add, delete and dump from any namespace'],
    whileOff: 'address changes from a non-initial namespace fail with EINVAL; address dumps there are empty',
    requires: [IPV4_STAGES.inetdevEvents],
  },
  {
    id: IPV4_STAGES.routeGet,
    layer: 'ipv4',
    order: 26_012,
    subject: '[NETNS]: Enable RTM_GETROUTE in non-initial namespaces',
    subjectVerified: false,
    commit: '1937504dd156573a1883f10a5a167f3f78c6cb4a',
    release: 'v2.6.26',
    opens: ['ip route get from any namespace'],
    whileOff: 'route lookups requested from a non-initial namespace fail with EINVAL',
    requires: [IPV4_STAGES.routeMethods],
  },
  {
    id: IPV4_STAGES.icmp,
    layer: 'ipv4',
    order: 26_020,
    subject: '[NETNS]: Make icmp reply sockets per namespace',
    subjectVerified: false,
    commit: '4a6ad7a141cbee2cf074e6cf8dc527b231b69ece',
    release: 'v2.6.26',
    opens: ['ICMP messages received and sent in any namespace (echo replies, errors)'],
    whileOff: 'a non-initial namespace neither answers nor reports by ICMP: messages for it are dropped and counted',
    requires: [IPV4_STAGES.routeMethods, IPV4_STAGES.neigh],
  },
  {
    id: IPV4_STAGES.ipRcv,
    layer: 'ipv4',
    order: 26_030,
    subject: '[NETNS]: Replace the ip_rcv fence with a per-protocol check at local delivery',
    subjectVerified: false,
    commit: 'f145049a06f470d0489f47cb83ff3ccb2a0de622',
    release: 'v2.6.26',
    opens: ['IPv4 input on devices outside initNet; each protocol behind its own netns_ok stage'],
    whileOff: 'IPv4 datagrams arriving on devices outside initNet are dropped and counted (ip_rcv)',
    requires: [IPV4_STAGES.inetdevEvents, 'dev-rx-ns-safe'],
  },
  {
    id: IPV4_STAGES.arpRcv,
    layer: 'ipv4',
    order: 26_031,
    subject: '[NETNS]: Process ARP in the correct namespace',
    subjectVerified: false,
    commit: '49e8a279a1b79e14b51aa6d4102b3a3de39e7a5e',
    release: 'v2.6.26',
    opens: ['ARP input outside initNet'],
    whileOff: 'ARP frames arriving on devices outside initNet are dropped and counted',
    requires: [IPV4_STAGES.neigh, IPV4_STAGES.inetdevEvents, 'dev-rx-ns-safe'],
  },
  {
    id: IPV4_STAGES.snmp,
    layer: 'ipv4',
    order: 27_010,
    subject: 'netns: Move SNMP MIB counters into struct net',
    subjectVerified: false,
    commit: 'a20f5799ca7ceb24d63c74b6fdad4b0c0ee91f4f',
    release: 'v2.6.27',
    opens: ['Ip, Icmp and IcmpMsg counters per namespace'],
    whileOff: 'one set of counters for the kernel (initNet\'s); other namespaces\' traffic is counted nowhere',
    requires: ['net-ns-clone'],
  },
];
