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
];
