/**
 * The procfs layer's stages, in upstream order: `/proc/net` per namespace (2007), the
 * per-namespace sysctl infrastructure and `/proc/net` as `self/net` (v2.6.25), then the
 * per-file conversions of v2.6.25–v2.6.27.
 *
 * @module
 */

import type { StageDef } from '@netstage/core-net';

/** Stage ids of this layer. */
export const PROCFS_STAGES = {
  procNet: 'proc-net-per-ns',
  sysctl: 'net-sysctl-per-ns',
  procNetSelf: 'proc-net-self',
  route: 'proc-route-per-ns',
  raw: 'proc-raw-per-ns',
  tcp: 'proc-tcp-per-ns',
  udp: 'proc-udp-per-ns',
  arp: 'proc-arp-per-ns',
  sockstat: 'proc-sockstat-per-ns',
  snmp: 'proc-snmp-per-ns',
  netstat: 'proc-netstat-per-ns',
} as const;

/**
 * The stages `@netstage/procfs` contributes.
 *
 * @remarks
 * Reference §1 patch 07 and §2.2. While `proc-net-per-ns` is off a non-initial namespace
 * finds `/proc/net` empty (every file was registered for `init_net` only); each per-file
 * stage then makes one file appear for every namespace. A per-file stage requires the
 * lower stage that made the data it formats per namespace, so a file never shows
 * initNet's rows to another namespace.
 *
 * @example
 * ```ts
 * import { procfsStages } from '@netstage/procfs';
 * procfsStages[0]?.id; // 'proc-net-per-ns'
 * ```
 */
export const procfsStages: readonly StageDef[] = [
  {
    id: PROCFS_STAGES.procNet,
    layer: 'procfs',
    order: 24_007,
    subject: '[NET]: Make /proc/net per network namespace',
    commit: '457c4cbc5a3dde259d2a1f15d5f9785290397267',
    release: 'v2.6.24',
    opens: [
      '/proc/net is a directory per namespace: files registered for a namespace (dev, dev_mcast, netlink, …) appear in it',
    ],
    whileOff: 'outside initNet /proc/net is empty: every file is ENOENT',
    requires: ['net-ns-basic'],
  },
  {
    id: PROCFS_STAGES.sysctl,
    layer: 'procfs',
    order: 25_006,
    subject: '[NET]: Implement the per network namespace sysctl infrastructure',
    subjectVerified: false,
    commit: '95bdfccb2bf4ea21c0065772c6a2c75cbaf6ad0d',
    release: 'v2.6.25',
    opens: ['/proc/sys/net tables registered per namespace (register_net_sysctl_table): each namespace reads and writes its own values'],
    whileOff: 'outside initNet /proc/sys/net has no tables: every key is ENOENT ("cannot stat")',
    requires: ['net-ns-clone'],
  },
  {
    id: PROCFS_STAGES.procNetSelf,
    layer: 'procfs',
    order: 25_007,
    subject: '[NET]: Make /proc/net a symlink on /proc/self/net (v3)',
    subjectVerified: false,
    commit: 'e9720acd728a46cb40daa52c99a979f7c4ff195c',
    release: 'v2.6.25',
    opens: ['/proc/net is the symlink self/net', '/proc/PID/net shows the namespace of process PID'],
    whileOff: '/proc/net is a plain directory (readlink: EINVAL) and /proc/PID/net does not exist (ENOENT)',
    requires: [PROCFS_STAGES.procNet],
  },
  {
    id: PROCFS_STAGES.route,
    layer: 'procfs',
    order: 25_012,
    subject: '[NETNS]: Create /proc/net/route per network namespace',
    subjectVerified: false,
    commit: '61a0265344786a548e8a0b26cb668e78a71f9602',
    release: 'v2.6.25',
    opens: ['/proc/net/route'],
    whileOff: '/proc/net/route exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet, 'fib-tables-per-ns'],
  },
  {
    id: PROCFS_STAGES.raw,
    layer: 'procfs',
    order: 25_040,
    subject: '[NETNS]: Make /proc/net/raw per network namespace',
    subjectVerified: false,
    commit: 'a308da1627d711fd0c7542bfe892abc78d65d215',
    release: 'v2.6.25',
    opens: ['/proc/net/raw'],
    whileOff: '/proc/net/raw exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet],
  },
  {
    id: PROCFS_STAGES.tcp,
    layer: 'procfs',
    order: 26_050,
    subject: '[NETNS][IPV4] tcp - make proc handlers namespace aware',
    subjectVerified: false,
    commit: 'f40c8174d3c21bf178283f3ef3aa8c7bf238fdec',
    release: 'v2.6.26',
    opens: ['/proc/net/tcp'],
    whileOff: '/proc/net/tcp exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet],
  },
  {
    id: PROCFS_STAGES.udp,
    layer: 'procfs',
    order: 26_051,
    subject: '[NETNS][IPV4] udp - make proc handlers namespace aware',
    subjectVerified: false,
    commit: '757764f61d07ab8ff84699b6d608eac7bc94cecc',
    release: 'v2.6.26',
    opens: ['/proc/net/udp'],
    whileOff: '/proc/net/udp exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet, 'udp-lookup-per-ns'],
  },
  {
    id: PROCFS_STAGES.arp,
    layer: 'procfs',
    order: 26_052,
    subject: '[NETNS][IPV4] arp - make proc handler namespace aware',
    subjectVerified: false,
    commit: 'ffc31d3d7719555cd784ecaf82e9c237f3a747ab',
    release: 'v2.6.26',
    opens: ['/proc/net/arp'],
    whileOff: '/proc/net/arp exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet, 'neigh-per-ns', 'dev-list-per-ns'],
  },
  {
    id: PROCFS_STAGES.sockstat,
    layer: 'procfs',
    order: 26_053,
    subject: '[NETNS]: Make /proc/net/sockstat per network namespace',
    subjectVerified: false,
    commit: 'd0538ca3554a3985c09921903cf8f5e38fa56123',
    release: 'v2.6.26',
    opens: ['/proc/net/sockstat'],
    whileOff: '/proc/net/sockstat exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet, 'udp-lookup-per-ns'],
  },
  {
    id: PROCFS_STAGES.snmp,
    layer: 'procfs',
    order: 27_011,
    subject: '[NETNS]: Show /proc/net/snmp per network namespace',
    subjectVerified: false,
    commit: '229bf0cbaa054f1502ab4ee219f05985d2c838d1',
    release: 'v2.6.27',
    opens: ['/proc/net/snmp (its Forwarding column reads the namespace\'s own ip_forward)'],
    whileOff: '/proc/net/snmp exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet, 'snmp-per-ns', 'devinet-conf-per-ns', 'udp-lookup-per-ns'],
  },
  {
    id: PROCFS_STAGES.netstat,
    layer: 'procfs',
    order: 27_012,
    subject: '[NETNS]: Show /proc/net/netstat per network namespace',
    subjectVerified: false,
    commit: '7b7a9dfdf6ccda647f54ea5fa3bd0ac17a189eeb',
    release: 'v2.6.27',
    opens: ['/proc/net/netstat'],
    whileOff: '/proc/net/netstat exists only in initNet (ENOENT elsewhere)',
    requires: [PROCFS_STAGES.procNet, 'snmp-per-ns'],
  },
];
