/**
 * `/proc/net/udp`, `tcp`, `raw`, `icmp`, `unix`, `packet`, `netlink` and `sockstat`:
 * formatters over the sockets layer's read interfaces (and ipv4's fragment queues for
 * sockstat's `FRAG:` line), in Linux 6.18's format byte for byte.
 *
 * Where Linux prints a kernel pointer netstage prints {@link kernelPointer} of the
 * socket's allocation serial (not of its inode: a connection waiting for `accept` has
 * inode 0, and a socket's address does not change when `accept` gives it one).
 *
 * @module
 */

import { FRAGS } from '@netstage/ipv4';
import {
  PacketSocket,
  SOCK_LIST,
  UnixStreamSocket,
  formatUnixAddress,
  inetFamily,
  netlinkProtocol,
  packetProtocol,
  unixProtocol,
  unixSockType,
  type InetQueueSocket,
  type SockAddrIn,
  type UnixSocket,
} from '@netstage/sockets';
import { hex, hexAddr, kernelPointer, padLine } from './seq.js';
import { PROCFS_STAGES } from './stages.js';
import type { ProcContext, ProcNetFileDef } from './vfs.js';

/** The columns every IPv4 socket table shares, after `sl`. */
const INET_COLUMNS = 'local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';

/** `TCP_ESTABLISHED` and `TCP_CLOSE`: `st` of a connected and an unconnected datagram socket. */
const ST_ESTABLISHED = 1;
const ST_CLOSE = 7;

/** `__SO_ACCEPTCON`: `/proc/net/unix`'s flag for a listening socket. */
const SO_ACCEPTCON = 0x10000;

/**
 * What `/proc/net/tcp` prints of one socket: the fields `get_tcp4_sock` reads. A TCP
 * implementation's socket (or a view of it) fulfils this, and {@link formatTcpRow}
 * turns it into a row.
 *
 * @remarks
 * `net/ipv4/tcp_ipv4.c`, `get_tcp4_sock`. Times are in clock ticks (`USER_HZ`, 100 a
 * second): an RTO of 200 ms is 20.
 */
export interface TcpSeqSocket {
  /** Local address and port (`inet_rcv_saddr`, `inet_sport`). */
  readonly local: SockAddrIn;
  /** Remote address and port (`inet_daddr`, `inet_dport`). */
  readonly remote: SockAddrIn;
  /** `sk_state` as a number: 1 ESTABLISHED … 10 LISTEN (`st`, printed `%02X`). */
  readonly tcpState: number;
  /** `write_seq - snd_una` (for a listener, the accept queue length is printed as rx). */
  readonly txQueue: number;
  /** Bytes not yet read (`rcv_nxt - copied_seq`), or the accept backlog of a listener. */
  readonly rxQueue: number;
  /** Which timer runs (`tr`): 0 none, 1 retransmit, 2 keepalive, 4 zero-window probe. */
  readonly timerActive: number;
  /** Ticks until it fires (`tm->when`). */
  readonly timerExpires: number;
  /** `icsk_retransmits`. */
  readonly retransmits: number;
  /** The owner's uid. */
  readonly uid: number;
  /** `icsk_probes_out` (the `timeout` column). */
  readonly probesOut: number;
  /** `sock_i_ino`. */
  readonly inode: number;
  /** `sk_refcnt`. */
  readonly refcount: number;
  /** The socket's allocation serial (`Socket.serial`), for its pointer stand-in. */
  readonly serial: number;
  /** `icsk_rto` in ticks. */
  readonly rto: number;
  /** `icsk_ack.ato` in ticks. */
  readonly ato: number;
  /** `(icsk_ack.quick << 1) | pingpong`. */
  readonly quickPingpong: number;
  /** `snd_cwnd`. */
  readonly cwnd: number;
  /** `snd_ssthresh`; -1 in initial slow start; for a listener the fastopen queue max. */
  readonly ssthresh: number;
}

/**
 * One row of `/proc/net/tcp` (with its newline), padded to 149 characters.
 *
 * @remarks
 * `net/ipv4/tcp_ipv4.c`, `get_tcp4_sock` and `tcp4_seq_show` (`seq_setwidth(seq,
 * TMPSZ - 1)`, `TMPSZ` 150). `sl` is the running row number (`%4d:`), `pointer` the
 * `%pK` stand-in. TIME_WAIT and SYN_RECV rows (`get_timewait4_sock`, `get_openreq4`)
 * have shorter tails and are not formatted here yet.
 *
 * @example
 * ```ts
 * import { formatTcpRow } from '@netstage/procfs';
 * const row = formatTcpRow(0, {
 *   local: { address: 0x0ac80001, port: 40000 }, remote: { address: 0x0ac80002, port: 4001 },
 *   tcpState: 1, txQueue: 0, rxQueue: 0, timerActive: 0, timerExpires: 0, retransmits: 0,
 *   uid: 0, probesOut: 0, inode: 101388, refcount: 1, serial: 7, rto: 20, ato: 0, quickPingpong: 0,
 *   cwnd: 10, ssthresh: -1,
 * }, '0000000046c6c32e');
 * row.trimEnd(); // '   0: 0100C80A:9C40 0200C80A:0FA1 01 00000000:00000000 00:00000000 00000000     0        0 101388 1 0000000046c6c32e 20 0 0 10 -1'
 * ```
 */
export function formatTcpRow(sl: number, s: TcpSeqSocket, pointer: string): string {
  const head = inetHead(sl, 4, s.local.address, s.local.port, s.remote.address, s.remote.port, s.tcpState, s.txQueue, s.rxQueue, s.timerActive, s.timerExpires, s.retransmits, s.uid, s.probesOut);
  return padLine(`${head} ${s.inode} ${s.refcount} ${pointer} ${s.rto} ${s.ato} ${s.quickPingpong} ${s.cwnd} ${s.ssthresh}`, 150);
}

/** `%Nd: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d` — what every IPv4 table's row starts with. */
function inetHead(
  sl: number,
  width: number,
  src: number,
  srcp: number,
  dst: number,
  dstp: number,
  st: number,
  tx: number,
  rx: number,
  tr: number,
  when: number,
  retrnsmt: number,
  uid: number,
  timeout: number,
): string {
  return (
    `${String(sl).padStart(width)}: ${hexAddr(src)}:${hex(srcp, 4)} ${hexAddr(dst)}:${hex(dstp, 4)} ` +
    `${hex(st, 2)} ${hex(tx, 8)}:${hex(rx, 8)} ${hex(tr, 2)}:${hex(when, 8)} ${hex(retrnsmt, 8)} ` +
    `${String(uid).padStart(5)} ${String(timeout).padStart(8)}`
  );
}

/**
 * A datagram socket's row: `udp4_format_sock`, `ping_v4_format_sock`, `raw_sock_seq_show`
 * (same fields; raw's local port is the protocol and its remote port 0).
 */
function datagramRow(sl: number, width: number, s: InetQueueSocket, srcp: number, dstp: number): string {
  const head = inetHead(sl, width, s.local.address, srcp, s.remote.address, dstp, s.connected ? ST_ESTABLISHED : ST_CLOSE, 0, s.queuedBytes, 0, 0, 0, 0, 0);
  return `${head} ${s.inode} ${s.refcount} ${kernelPointer(s.serial)} ${s.drops}`;
}

/** `/proc/net/udp` (`udp4_seq_show`, `net/ipv4/udp.c`): by hash bucket, padded to 127. */
function showUdp(ctx: ProcContext): string {
  const udp = inetFamily(ctx.kernel).udp;
  let out = padLine(`   sl  ${INET_COLUMNS} ref pointer drops`, 128);
  for (const s of udp.sockets(ctx.net)) {
    out += padLine(datagramRow(udp.hashSlot(ctx.net, s.local.port), 5, s, s.local.port, s.remote.port), 128);
  }
  return out;
}

/**
 * `/proc/net/tcp` (`tcp4_seq_show`, `net/ipv4/tcp_ipv4.c`): the header, then a row per
 * socket from {@link tcpSockets}.
 */
function showTcp(ctx: ProcContext): string {
  let out = padLine(`  sl  ${INET_COLUMNS}`, 150);
  let sl = 0;
  for (const s of tcpSockets(ctx)) out += formatTcpRow(sl++, s, kernelPointer(s.serial));
  return out;
}

/**
 * The TCP sockets of the namespace, listeners first then established (`tcp_get_idx`
 * walks the listening hash, then the established one). The sockets layer has no TCP
 * yet, so none: a TCP implementation plugs in here with a listing of sockets that
 * fulfil {@link TcpSeqSocket}.
 */
function tcpSockets(_ctx: ProcContext): readonly TcpSeqSocket[] {
  return [];
}

/** `/proc/net/raw` (`raw_seq_show`, `net/ipv4/raw.c`): by hash bucket, not padded. */
function showRaw(ctx: ProcContext): string {
  const raw = inetFamily(ctx.kernel).raw;
  let out = `  sl  ${INET_COLUMNS} ref pointer drops\n`;
  for (const s of raw.sockets(ctx.net)) out += `${datagramRow(raw.hashSlot(ctx.net, s.protocol), 4, s, s.protocol, 0)}\n`;
  return out;
}

/** `/proc/net/icmp` (`ping_v4_seq_show`, `net/ipv4/ping.c`): bound ping sockets by bucket, padded to 127. */
function showIcmp(ctx: ProcContext): string {
  const ping = inetFamily(ctx.kernel).ping;
  let out = padLine(`  sl  ${INET_COLUMNS} ref pointer drops`, 128);
  for (const s of ping.sockets(ctx.net)) {
    out += padLine(datagramRow(ping.hashSlot(ctx.net, s.ident), 5, s, s.ident, s.remote.port), 128);
  }
  return out;
}

/**
 * `St` of `/proc/net/unix`: `SS_CONNECTED` (3) / `SS_UNCONNECTED` (1) for a socket with
 * a file; without one (a connection not accepted yet) `SS_CONNECTING` (2) /
 * `SS_DISCONNECTING` (4).
 */
function unixSocketState(s: UnixSocket): number {
  if (s.inode !== 0) return s.established ? 3 : 1;
  return s.established ? 2 : 4;
}

/** `/proc/net/unix` (`unix_seq_show`, `net/unix/af_unix.c`). */
function showUnix(ctx: ProcContext): string {
  let out = 'Num       RefCount Protocol Flags    Type St Inode Path\n';
  for (const s of unixProtocol(ctx.kernel).sockets(ctx.net)) {
    const flags = s instanceof UnixStreamSocket && s.state === 'listening' ? SO_ACCEPTCON : 0;
    const name = s.local === undefined ? '' : ` ${formatUnixAddress(s.local).replaceAll('\0', '@')}`;
    out +=
      `${kernelPointer(s.serial)}: ${hex(s.refcount, 8)} ${hex(0, 8)} ${hex(flags, 8)} ` +
      `${hex(unixSockType(s), 4)} ${hex(unixSocketState(s), 2)} ${String(s.inode).padStart(5)}${name}\n`;
  }
  return out;
}

/** `/proc/net/packet` (`packet_seq_show`, `net/packet/af_packet.c`): oldest first. */
function showPacket(ctx: ProcContext): string {
  let out = `${'sk'.padEnd(17)}RefCnt Type Proto  Iface R Rmem   User   Inode\n`;
  for (const s of packetProtocol(ctx.kernel).sockets(ctx.net)) out += packetRow(s);
  return out;
}

function packetRow(s: PacketSocket): string {
  const type = s.type === 'raw' ? 3 : 2;
  return (
    `${kernelPointer(s.serial)} ${String(s.refcount).padEnd(6)} ${String(type).padEnd(4)} ` +
    `${hex(s.listening, 4).toLowerCase()}   ${String(s.ifindex).padEnd(5)} ${s.running ? 1 : 0} ` +
    `${String(s.queuedBytes).padEnd(6)} ${'0'.padEnd(6)} ${String(s.inode).padEnd(6)}\n`
  );
}

/**
 * `/proc/net/netlink` (`netlink_seq_show`, `net/netlink/af_netlink.c`): the namespace's
 * rtnetlink kernel socket, then its bound user sockets as they were bound.
 *
 * Linux also lists the kernel sockets of the netlink protocols netstage does not model
 * (4 sock_diag, 6 xfrm, 9 audit, 10 fib_lookup, 12 netfilter, 15 uevent, 16 generic),
 * and orders each protocol's sockets by a randomly seeded hash; netstage lists only what
 * it has, in the order above.
 */
function showNetlink(ctx: ProcContext): string {
  const netlink = netlinkProtocol(ctx.kernel);
  let out = 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n';
  const k = netlink.kernelSocket(ctx.net);
  if (k !== undefined) out += netlinkRow(k.serial, k.protocol, k.portid, k.refcount, k.inode);
  for (const s of netlink.sockets(ctx.net)) out += netlinkRow(s.serial, s.protocol, s.portid, s.refcount, s.inode);
  return out;
}

function netlinkRow(serial: number, protocol: number, portid: number, refcount: number, inode: number): string {
  return (
    `${kernelPointer(serial)} ${String(protocol).padEnd(3)} ${String(portid).padEnd(10)} ${hex(0, 8)} ` +
    `${'0'.padEnd(8)} ${'0'.padEnd(8)} ${'0'.padEnd(5)} ${String(refcount).padEnd(8)} ${'0'.padEnd(8)} ${String(inode).padEnd(8)}\n`
  );
}

/**
 * `/proc/net/sockstat` (`sockstat_seq_show`, `net/ipv4/proc.c`). `TCP: alloc` and the
 * `mem` figures are kernel-wide in Linux and in netstage; without TCP its line is all 0.
 * UDP-Lite is not modelled (0).
 */
function showSockstat(ctx: ProcContext): string {
  const inet = inetFamily(ctx.kernel);
  const net = ctx.net;
  const frags = net.state(FRAGS);
  return (
    `sockets: used ${net.state(SOCK_LIST).inUse}\n` +
    'TCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\n' +
    `UDP: inuse ${inet.udp.inUse(net)} mem ${inet.udp.memoryPages()}\n` +
    'UDPLITE: inuse 0\n' +
    `RAW: inuse ${inet.raw.inUse(net)}\n` +
    `FRAG: inuse ${frags.size} memory ${frags.memory}\n`
  );
}

/**
 * The socket files of `/proc/net`: `udp`, `tcp`, `raw`, `icmp`, `unix`, `packet`,
 * `netlink`, `sockstat`.
 *
 * @remarks
 * `net/ipv4/udp.c` (`udp4_seq_show`, `udp4_format_sock`), `net/ipv4/tcp_ipv4.c`
 * (`tcp4_seq_show`), `net/ipv4/raw.c` (`raw_seq_show`), `net/ipv4/ping.c`
 * (`ping_v4_seq_show`), `net/unix/af_unix.c` (`unix_seq_show`), `net/packet/af_packet.c`
 * (`packet_seq_show`), `net/netlink/af_netlink.c` (`netlink_seq_show`),
 * `net/ipv4/proc.c` (`sockstat_seq_show`). Each exists in a namespace other than
 * initNet once its conversion stage is on: `udp`, `tcp`, `raw` and `sockstat` their
 * procfs stages (v2.6.25–26), `unix` and `packet` their family's (097e66c5, d12d01d6
 * registered the files per namespace), `icmp` and `netlink` only `/proc/net` per
 * namespace (they were born namespace-aware).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer, socketFiles } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * socketFiles.map((f) => f.name).join(' '); // 'udp tcp raw icmp unix packet netlink sockstat'
 * procFs(kernel).readFile(kernel.initTask, '/proc/net/unix'); // 'Num       RefCount Protocol Flags    Type St Inode Path\n'
 * ```
 */
export const socketFiles: readonly ProcNetFileDef[] = [
  { name: 'udp', stages: [PROCFS_STAGES.udp], show: showUdp },
  { name: 'tcp', stages: [PROCFS_STAGES.tcp], show: showTcp },
  { name: 'raw', stages: [PROCFS_STAGES.raw], show: showRaw },
  { name: 'icmp', stages: [], show: showIcmp },
  { name: 'unix', stages: ['unix-per-ns'], show: showUnix },
  { name: 'packet', stages: ['packet-per-ns'], show: showPacket },
  { name: 'netlink', stages: [], show: showNetlink },
  { name: 'sockstat', stages: [PROCFS_STAGES.sockstat], show: showSockstat },
];
