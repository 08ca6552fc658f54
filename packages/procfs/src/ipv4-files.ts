/**
 * `/proc/net/route`, `arp`, `snmp` and `netstat`: formatters over the ipv4 layer's
 * routing tables, neighbour table, settings and counters, and the sockets layer's UDP
 * counters.
 *
 * @module
 */

import { macToString, type NetDevice } from '@netstage/devices';
import {
  ICMP_MIB,
  IPEXT_MIB,
  IPV4_SYSCTLS,
  IP_MIB,
  RT_TABLE,
  ipv4,
  ipv4Stack,
  ipv4ToString,
  type Neighbour,
  type Route,
  type Snmp,
} from '@netstage/ipv4';
import { UDP, UDP_MIB } from '@netstage/sockets';
import { hex, hexAddr, padLine } from './seq.js';
import { PROCFS_STAGES } from './stages.js';
import type { ProcContext, ProcNetFileDef } from './vfs.js';

// -- /proc/net/route ----------------------------------------------------------------------

/** `RTF_*` flags of `/proc/net/route` (`include/uapi/linux/route.h`). */
const RTF = { UP: 0x0001, GATEWAY: 0x0002, HOST: 0x0004, REJECT: 0x0200 } as const;

const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';

function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** `fib_flag_trans`: RTF_REJECT for unreachable and prohibit, GATEWAY, HOST for a /32, always UP. */
function routeFlags(r: Route): number {
  let flags = r.type === 'unreachable' || r.type === 'prohibit' ? RTF.REJECT : 0;
  if (r.gateway !== 0) flags |= RTF.GATEWAY;
  if (r.prefixLen === 32) flags |= RTF.HOST;
  return flags | RTF.UP;
}

/**
 * The text of `/proc/net/route` for the namespace of `ctx`: the main table only, a header
 * and one row per route but broadcast ones, each padded to 127 characters; nothing at all
 * while the namespace has no main table.
 *
 * @remarks
 * `fib_route_seq_start`, `fib_route_seq_show` and `fib_flag_trans` in
 * `net/ipv4/fib_trie.c`: addresses are the network-order words printed `%08X` on a
 * little-endian host, the device is `*` for a route without one (blackhole, unreachable,
 * prohibit), RefCnt, Use, MTU, Window and IRTT are 0 (netstage has no route metrics).
 * Rows come in trie order (by destination, longer prefix first, then metric).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procNetRoute, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procNetRoute({ kernel, net: kernel.initNet }); // '' — initNet's lo is down: no table yet
 * ```
 */
export function procNetRoute(ctx: ProcContext): string {
  const main = ipv4(ctx.kernel).table(ctx.net, RT_TABLE.MAIN);
  if (main === undefined) return '';
  let out = padLine(ROUTE_HEADER, 128);
  for (const r of main.routes()) {
    if (r.type === 'broadcast') continue;
    const row = [
      r.dev?.name ?? '*',
      hexAddr(r.dst),
      hexAddr(r.gateway),
      hex(routeFlags(r), 4),
      '0',
      '0',
      String(r.metric | 0),
      hexAddr(maskOf(r.prefixLen)),
      '0',
      '0',
      '0',
    ];
    out += padLine(row.join('\t'), 128);
  }
  return out;
}

// -- /proc/net/arp --------------------------------------------------------------------------

/** `ATF_COM` (complete) and `ATF_PERM` (permanent) from `include/uapi/linux/if_arp.h`. */
const ATF = { COM: 0x02, PERM: 0x04 } as const;

/** `arp_state_to_flags`: permanent entries are complete and permanent, valid ones complete. */
function arpFlags(n: Neighbour): number {
  if (n.state === 'PERMANENT') return ATF.PERM | ATF.COM;
  if (n.state === 'INCOMPLETE' || n.state === 'FAILED') return 0;
  return ATF.COM;
}

/** `dev->type`: `ARPHRD_ETHER` (1) or `ARPHRD_LOOPBACK` (772). */
function hardwareType(dev: NetDevice): number {
  return dev.linkType === 'loopback' ? 772 : 1;
}

/**
 * The text of `/proc/net/arp` for the namespace of `ctx`: a header and one row per
 * neighbour entry but NOARP ones — IP address, hardware type, flags (`0x2` complete,
 * `0x6` permanent, `0x0` while unresolved or failed, with an all-zero address), hardware
 * address, mask `*`, device.
 *
 * @remarks
 * `arp_seq_show` and `arp_format_neigh_entry` in `net/ipv4/arp.c`
 * (`"%-16s 0x%-10x0x%-10x%-17s     *        %s\n"`), walked with
 * `NEIGH_SEQ_SKIP_NOARP`. Linux lists entries in the order of its neighbour hash, whose
 * seed is random per boot; netstage lists them device by device in creation order.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procNetArp, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procNetArp({ kernel, net: kernel.initNet }).startsWith('IP address       HW type'); // true
 * ```
 */
export function procNetArp(ctx: ProcContext): string {
  let out = 'IP address       HW type     Flags       HW address            Mask     Device\n';
  for (const n of ipv4Stack(ctx.kernel).neighbourEntries(ctx.net)) {
    if (n.state === 'NOARP') continue;
    const ipText = ipv4ToString(n.ip).padEnd(16);
    const type = `0x${hardwareType(n.dev).toString(16)}`.padEnd(12);
    const flags = `0x${arpFlags(n).toString(16)}`.padEnd(12);
    out += `${ipText} ${type}${flags}${macToString(n.mac).padEnd(17)}     *        ${n.dev.name}\n`;
  }
  return out;
}

// -- /proc/net/snmp ---------------------------------------------------------------------------

/**
 * The `Tcp:` fields of `/proc/net/snmp`, in order.
 *
 * @remarks
 * `snmp4_tcp_list` in `net/ipv4/proc.c`. The first four are constants of the
 * implementation (`RtoAlgorithm` 1 = other, `RtoMin` 200 and `RtoMax` 120000 ms,
 * `MaxConn` -1); netstage has no TCP yet, so the counters after them read 0 until a TCP
 * MIB is given to {@link procNetSnmp}.
 *
 * @example
 * ```ts
 * import { TCP_MIB } from '@netstage/procfs';
 * TCP_MIB.length; // 15
 * ```
 */
export const TCP_MIB = [
  'RtoAlgorithm',
  'RtoMin',
  'RtoMax',
  'MaxConn',
  'ActiveOpens',
  'PassiveOpens',
  'AttemptFails',
  'EstabResets',
  'CurrEstab',
  'InSegs',
  'OutSegs',
  'RetransSegs',
  'InErrs',
  'OutRsts',
  'InCsumErrors',
] as const;

/** The constant head of the `Tcp:` line: `RtoAlgorithm RtoMin RtoMax MaxConn`. */
const TCP_CONSTANTS = [1, 200, 120_000, -1] as const;

/**
 * Where `/proc/net/snmp` reads TCP counters from: a function from a namespace's context
 * and a `Tcp:` counter name to its value. Absent (netstage has no TCP yet), every
 * counter is 0.
 *
 * @example
 * ```ts
 * import type { TcpMibReader } from '@netstage/procfs';
 * const none: TcpMibReader = () => 0;
 * ```
 */
export type TcpMibReader = (ctx: ProcContext, field: (typeof TCP_MIB)[number]) => number;

/** A `Name: fields` / `Name: values` pair of lines. */
function mibPair(group: string, names: readonly string[], values: readonly number[]): string {
  return `${group}: ${names.join(' ')}\n${group}: ${values.join(' ')}\n`;
}

/** `icmpmsg_put`: the nonzero per-type counts, at most 16 to a pair of lines; nothing when all are 0. */
function icmpMsgLines(mib: Snmp): string {
  const names: string[] = [];
  const values: number[] = [];
  for (const [direction, label] of [['in', 'In'], ['out', 'Out']] as const) {
    for (let type = 0; type < 256; type++) {
      const v = mib.icmpMsgCount(direction, type);
      if (v === 0) continue;
      names.push(`${label}Type${type}`);
      values.push(v);
    }
  }
  let out = '';
  for (let i = 0; i < names.length; i += 16) out += mibPair('IcmpMsg', names.slice(i, i + 16), values.slice(i, i + 16));
  return out;
}

/**
 * The text of `/proc/net/snmp` for the namespace of `ctx`: `Ip:`, `Icmp:`, `IcmpMsg:`
 * (only while some per-type count is nonzero), `Tcp:`, `Udp:` and `UdpLite:` pairs of
 * lines.
 *
 * @remarks
 * `snmp_seq_show_ipstats`, `icmp_put`, `icmpmsg_put` and `snmp_seq_show_tcp_udp` in
 * `net/ipv4/proc.c`. `Forwarding` is 1 when the namespace's `ip_forward` is on and 2
 * when off (RFC 1213's not-forwarding), `DefaultTTL` its `ip_default_ttl`; the counters
 * come from ipv4's `Snmp` and the sockets layer's UDP MIB. UDP-Lite does not exist in
 * netstage: its line is all zeros, as on a Linux that never used it.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procNetSnmp, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procNetSnmp({ kernel, net: kernel.initNet }).split('\n')[1]; // 'Ip: 2 64 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0'
 * ```
 */
export function procNetSnmp(ctx: ProcContext, tcp: TcpMibReader = () => 0): string {
  const mib = ipv4Stack(ctx.kernel).snmp(ctx.net);
  const sysctls = ctx.net.state(IPV4_SYSCTLS);
  const ip = IP_MIB.map((f, i) => (i === 0 ? (sysctls.ipForward !== 0 ? 1 : 2) : i === 1 ? sysctls.ipDefaultTtl : mib.get('Ip', f)));
  const icmp = ICMP_MIB.map((f) => mib.get('Icmp', f));
  const tcpValues = TCP_MIB.map((f, i) => TCP_CONSTANTS[i] ?? tcp(ctx, f));
  const udpMib = ctx.net.state(UDP).mib;
  const udp = UDP_MIB.map((_, i) => udpMib[i] ?? 0);
  return (
    mibPair('Ip', IP_MIB, ip) +
    mibPair('Icmp', ICMP_MIB, icmp) +
    icmpMsgLines(mib) +
    mibPair('Tcp', TCP_MIB, tcpValues) +
    mibPair('Udp', UDP_MIB, udp) +
    mibPair('UdpLite', UDP_MIB, UDP_MIB.map(() => 0))
  );
}

// -- /proc/net/netstat ------------------------------------------------------------------------

/**
 * The `TcpExt:` fields of `/proc/net/netstat` as Linux 6.18 prints them.
 *
 * @remarks
 * `snmp4_net_list` in `net/ipv4/proc.c`, captured from `cat /proc/net/netstat` in a
 * fresh namespace on 6.18. netstage has no TCP: every value is 0.
 *
 * @example
 * ```ts
 * import { TCPEXT_FIELDS } from '@netstage/procfs';
 * TCPEXT_FIELDS[0]; // 'SyncookiesSent'
 * ```
 */
export const TCPEXT_FIELDS = [
  'SyncookiesSent', 'SyncookiesRecv', 'SyncookiesFailed', 'EmbryonicRsts', 'PruneCalled', 'RcvPruned',
  'OfoPruned', 'OutOfWindowIcmps', 'LockDroppedIcmps', 'ArpFilter', 'TW', 'TWRecycled', 'TWKilled',
  'PAWSActive', 'PAWSEstab', 'BeyondWindow', 'TSEcrRejected', 'PAWSOldAck', 'PAWSTimewait', 'DelayedACKs',
  'DelayedACKLocked', 'DelayedACKLost', 'ListenOverflows', 'ListenDrops', 'TCPHPHits', 'TCPPureAcks',
  'TCPHPAcks', 'TCPRenoRecovery', 'TCPSackRecovery', 'TCPSACKReneging', 'TCPSACKReorder', 'TCPRenoReorder',
  'TCPTSReorder', 'TCPFullUndo', 'TCPPartialUndo', 'TCPDSACKUndo', 'TCPLossUndo', 'TCPLostRetransmit',
  'TCPRenoFailures', 'TCPSackFailures', 'TCPLossFailures', 'TCPFastRetrans', 'TCPSlowStartRetrans',
  'TCPTimeouts', 'TCPLossProbes', 'TCPLossProbeRecovery', 'TCPRenoRecoveryFail', 'TCPSackRecoveryFail',
  'TCPRcvCollapsed', 'TCPBacklogCoalesce', 'TCPDSACKOldSent', 'TCPDSACKOfoSent', 'TCPDSACKRecv',
  'TCPDSACKOfoRecv', 'TCPAbortOnData', 'TCPAbortOnClose', 'TCPAbortOnMemory', 'TCPAbortOnTimeout',
  'TCPAbortOnLinger', 'TCPAbortFailed', 'TCPMemoryPressures', 'TCPMemoryPressuresChrono', 'TCPSACKDiscard',
  'TCPDSACKIgnoredOld', 'TCPDSACKIgnoredNoUndo', 'TCPSpuriousRTOs', 'TCPMD5NotFound', 'TCPMD5Unexpected',
  'TCPMD5Failure', 'TCPSackShifted', 'TCPSackMerged', 'TCPSackShiftFallback', 'TCPBacklogDrop',
  'PFMemallocDrop', 'TCPMinTTLDrop', 'TCPDeferAcceptDrop', 'IPReversePathFilter', 'TCPTimeWaitOverflow',
  'TCPReqQFullDoCookies', 'TCPReqQFullDrop', 'TCPRetransFail', 'TCPRcvCoalesce', 'TCPOFOQueue', 'TCPOFODrop',
  'TCPOFOMerge', 'TCPChallengeACK', 'TCPSYNChallenge', 'TCPFastOpenActive', 'TCPFastOpenActiveFail',
  'TCPFastOpenPassive', 'TCPFastOpenPassiveFail', 'TCPFastOpenListenOverflow', 'TCPFastOpenCookieReqd',
  'TCPFastOpenBlackhole', 'TCPSpuriousRtxHostQueues', 'BusyPollRxPackets', 'TCPAutoCorking',
  'TCPFromZeroWindowAdv', 'TCPToZeroWindowAdv', 'TCPWantZeroWindowAdv', 'TCPSynRetrans', 'TCPOrigDataSent',
  'TCPHystartTrainDetect', 'TCPHystartTrainCwnd', 'TCPHystartDelayDetect', 'TCPHystartDelayCwnd',
  'TCPACKSkippedSynRecv', 'TCPACKSkippedPAWS', 'TCPACKSkippedSeq', 'TCPACKSkippedFinWait2',
  'TCPACKSkippedTimeWait', 'TCPACKSkippedChallenge', 'TCPWinProbe', 'TCPKeepAlive', 'TCPMTUPFail',
  'TCPMTUPSuccess', 'TCPDelivered', 'TCPDeliveredCE', 'TCPAckCompressed', 'TCPZeroWindowDrop', 'TCPRcvQDrop',
  'TCPWqueueTooBig', 'TCPFastOpenPassiveAltKey', 'TcpTimeoutRehash', 'TcpDuplicateDataRehash',
  'TCPDSACKRecvSegs', 'TCPDSACKIgnoredDubious', 'TCPMigrateReqSuccess', 'TCPMigrateReqFailure',
  'TCPPLBRehash', 'TCPAORequired', 'TCPAOBad', 'TCPAOKeyNotFound', 'TCPAOGood', 'TCPAODroppedIcmps',
] as const;

/**
 * The `MPTcpExt:` fields of `/proc/net/netstat` as Linux 6.18 prints them.
 *
 * @remarks
 * `mptcp_snmp_list` in `net/mptcp/mib.c` (printed by `mptcp_seq_show`), captured on
 * 6.18. netstage has no MPTCP: every value is 0.
 *
 * @example
 * ```ts
 * import { MPTCPEXT_FIELDS } from '@netstage/procfs';
 * MPTCPEXT_FIELDS.length; // 76
 * ```
 */
export const MPTCPEXT_FIELDS = [
  'MPCapableSYNRX', 'MPCapableSYNTX', 'MPCapableSYNACKRX', 'MPCapableACKRX', 'MPCapableFallbackACK',
  'MPCapableFallbackSYNACK', 'MPCapableSYNTXDrop', 'MPCapableSYNTXDisabled', 'MPCapableEndpAttempt',
  'MPFallbackTokenInit', 'MPTCPRetrans', 'MPJoinNoTokenFound', 'MPJoinSynRx', 'MPJoinSynBackupRx',
  'MPJoinSynAckRx', 'MPJoinSynAckBackupRx', 'MPJoinSynAckHMacFailure', 'MPJoinAckRx', 'MPJoinAckHMacFailure',
  'MPJoinRejected', 'MPJoinSynTx', 'MPJoinSynTxCreatSkErr', 'MPJoinSynTxBindErr', 'MPJoinSynTxConnectErr',
  'DSSNotMatching', 'DSSCorruptionFallback', 'DSSCorruptionReset', 'InfiniteMapTx', 'InfiniteMapRx',
  'DSSNoMatchTCP', 'DataCsumErr', 'OFOQueueTail', 'OFOQueue', 'OFOMerge', 'NoDSSInWindow', 'DuplicateData',
  'AddAddr', 'AddAddrTx', 'AddAddrTxDrop', 'EchoAdd', 'EchoAddTx', 'EchoAddTxDrop', 'PortAdd', 'AddAddrDrop',
  'MPJoinPortSynRx', 'MPJoinPortSynAckRx', 'MPJoinPortAckRx', 'MismatchPortSynRx', 'MismatchPortAckRx',
  'RmAddr', 'RmAddrDrop', 'RmAddrTx', 'RmAddrTxDrop', 'RmSubflow', 'MPPrioTx', 'MPPrioRx', 'MPFailTx',
  'MPFailRx', 'MPFastcloseTx', 'MPFastcloseRx', 'MPRstTx', 'MPRstRx', 'SubflowStale', 'SubflowRecover',
  'SndWndShared', 'RcvWndShared', 'RcvWndConflictUpdate', 'RcvWndConflict', 'MPCurrEstab', 'Blackhole',
  'MPCapableDataFallback', 'MD5SigFallback', 'DssFallback', 'SimultConnectFallback', 'FallbackFailed',
  'WinProbe',
] as const;

/**
 * The text of `/proc/net/netstat` for the namespace of `ctx`: `TcpExt:`, `IpExt:` and
 * `MPTcpExt:` pairs of lines. `IpExt:` carries the counters ipv4 keeps (octets, ECN
 * classes, broadcasts, truncated and no-route datagrams); TCP and MPTCP ones are 0.
 *
 * @remarks
 * `netstat_seq_show` in `net/ipv4/proc.c` and `mptcp_seq_show` in `net/mptcp/mib.c`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procNetNetstat, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procNetNetstat({ kernel, net: kernel.initNet }).split('\n')[2]?.startsWith('IpExt: InNoRoutes'); // true
 * ```
 */
export function procNetNetstat(ctx: ProcContext): string {
  const mib = ipv4Stack(ctx.kernel).snmp(ctx.net);
  return (
    mibPair('TcpExt', TCPEXT_FIELDS, TCPEXT_FIELDS.map(() => 0)) +
    mibPair('IpExt', IPEXT_MIB, IPEXT_MIB.map((f) => mib.get('IpExt', f))) +
    mibPair('MPTcpExt', MPTCPEXT_FIELDS, MPTCPEXT_FIELDS.map(() => 0))
  );
}

/**
 * `/proc/net/route`, `arp`, `snmp` and `netstat`, registered by the procfs layer; each
 * appears in a non-initial namespace with its own procfs stage.
 *
 * @remarks
 * `fib_proc_init` (`net/ipv4/fib_trie.c`), `arp_net_init` (`net/ipv4/arp.c`) and
 * `ip_proc_init_net` (`net/ipv4/proc.c`).
 *
 * @example
 * ```ts
 * import { ipv4Files } from '@netstage/procfs';
 * ipv4Files.map((f) => f.name); // ['route', 'arp', 'snmp', 'netstat']
 * ```
 */
export const ipv4Files: readonly ProcNetFileDef[] = [
  { name: 'route', stages: [PROCFS_STAGES.route], show: procNetRoute },
  { name: 'arp', stages: [PROCFS_STAGES.arp], show: procNetArp },
  { name: 'snmp', stages: [PROCFS_STAGES.snmp], show: (ctx) => procNetSnmp(ctx) },
  { name: 'netstat', stages: [PROCFS_STAGES.netstat], show: procNetNetstat },
];
