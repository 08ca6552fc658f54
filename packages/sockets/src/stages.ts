/**
 * The sockets layer's stages (this part: the socket core, AF_UNIX and UDP), in upstream order.
 *
 * @module
 */

import type { StageDef } from '@netstage/core-net';

/** Stage ids of this layer. */
export const SOCKET_STAGES = {
  sockTag: 'sock-ns-tag',
  createSafe: 'sock-create-ns-safe',
  packetPerNs: 'packet-per-ns',
  unixPerNs: 'unix-per-ns',
  udpLookup: 'udp-lookup-per-ns',
  inetCreate: 'inet-create-per-protocol',
  netnsOk: 'inet-protocols-netns-ok',
} as const;

/**
 * The stages `@netstage/sockets` contributes so far.
 *
 * @example
 * ```ts
 * import { socketsStages } from '@netstage/sockets';
 * socketsStages.map((s) => s.id).includes('sock-create-ns-safe'); // true
 * ```
 */
export const socketsStages: readonly StageDef[] = [
  {
    id: SOCKET_STAGES.sockTag,
    layer: 'sockets',
    order: 24_006,
    subject: '[NET]: Add a network namespace parameter to struct sock',
    commit: '07feaebfcc10cd35e745c7073667935246494bee',
    release: 'v2.6.24',
    opens: ['a socket records its namespace (sock_net), holding a counted reference'],
    whileOff: 'sockets belong to initNet only: socket() elsewhere fails with EAFNOSUPPORT',
    requires: ['net-ns-basic'],
  },
  {
    id: SOCKET_STAGES.createSafe,
    layer: 'sockets',
    order: 24_008,
    subject: '[NET]: Make socket creation namespace safe.',
    commit: '1b8d7ae42d02e483ad94035cca851e4f7fbecb40',
    release: 'v2.6.24',
    opens: ['socket() asks each family whether it serves the caller\'s namespace'],
    whileOff: 'socket() outside initNet fails with EAFNOSUPPORT for every family',
    requires: [SOCKET_STAGES.sockTag],
  },
  {
    id: SOCKET_STAGES.packetPerNs,
    layer: 'sockets',
    order: 25_004,
    subject: '[NET]: Make AF_PACKET handle multiple network namespaces',
    subjectVerified: false,
    commit: 'd12d01d6b4d197115c4d7736172b5b1ec8b1eb71',
    release: 'v2.6.25',
    opens: [
      'AF_PACKET socket() outside initNet',
      'packet sockets see the frames of their own namespace\'s devices (packet_rcv filters on sock_net)',
    ],
    whileOff: 'socket(AF_PACKET, …) outside initNet fails with EAFNOSUPPORT; packet_rcv drops frames of devices outside initNet',
    requires: [SOCKET_STAGES.createSafe, 'net-ns-clone'],
  },
  {
    id: SOCKET_STAGES.unixPerNs,
    layer: 'sockets',
    order: 25_005,
    subject: '[NET]: Make AF_UNIX per network namespace safe.',
    subjectVerified: false,
    commit: '097e66c578459f79e3a2128c54e9df5194e1419a',
    release: 'v2.6.25',
    opens: [
      'AF_UNIX socket() outside initNet',
      'abstract AF_UNIX names per namespace (lookups filter on the socket\'s namespace); pathnames stay kernel-wide',
    ],
    whileOff: 'socket(AF_UNIX, …) outside initNet fails with EAFNOSUPPORT; one abstract name table for the kernel (initNet\'s)',
    requires: [SOCKET_STAGES.createSafe, 'net-ns-clone'],
  },
  {
    id: SOCKET_STAGES.udpLookup,
    layer: 'sockets',
    order: 25_030,
    subject: '[UDP]: Make port allocation and socket lookup namespace aware',
    subjectVerified: false,
    commit: 'fa4d3c6210380c55cf7f295d28fd981fbcbb828c',
    release: 'v2.6.25',
    opens: ['UDP ports per namespace'],
    whileOff: 'one UDP port table for the kernel (initNet\'s); other namespaces have no UDP sockets',
    requires: [SOCKET_STAGES.createSafe, 'net-ns-clone'],
  },
  {
    id: SOCKET_STAGES.inetCreate,
    layer: 'sockets',
    order: 26_040,
    subject: '[NETNS]: Replace the inet_create fence with a per-protocol check',
    subjectVerified: false,
    commit: '2342fd7e146f05edeb13feb03490c13a1bdab2e0',
    release: 'v2.6.26',
    opens: ['AF_INET socket() outside initNet for protocols marked namespace ready'],
    whileOff: 'socket(AF_INET, …) outside initNet fails with EAFNOSUPPORT',
    requires: [SOCKET_STAGES.udpLookup, 'ip-rcv-per-protocol'],
  },
  {
    id: SOCKET_STAGES.netnsOk,
    layer: 'sockets',
    order: 26_041,
    subject: '[NETNS]: Mark TCP, UDP, UDP-Lite and ICMP as namespace ready',
    subjectVerified: false,
    commit: '92f1fecb45ef97acae94463302f79228a4b454d9',
    release: 'v2.6.26',
    opens: ['UDP sockets and UDP delivery outside initNet (netns_ok)'],
    whileOff: 'socket(AF_INET, SOCK_DGRAM) outside initNet fails with EAFNOSUPPORT; UDP datagrams for other namespaces are dropped and counted',
    requires: [SOCKET_STAGES.inetCreate],
  },
];
