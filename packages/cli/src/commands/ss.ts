/**
 * `ss`: iproute2 6.1's socket listing over the sockets package's per-namespace
 * listings — AF_UNIX (`u_str`, `u_dgr`), UDP, and TCP once the sockets layer has it.
 *
 * Columns are laid out as iproute2's `render_calc_width` does when its output is not a
 * terminal: each column as wide as its widest field (header included), plus its
 * one-space left delimiter, no spreading to a screen width. Address fields end with
 * their delimiter (`:` for inet, a space for unix) and are right-aligned; the rest
 * left-aligned, the last one padded too.
 *
 * Without `-n`, ports are named from a small built-in copy of the well-known entries of
 * `/etc/services` (netbase), since netstage has no files: `53` is `domain`; other ports
 * stay numeric, as they do on Linux for ports the file does not name.
 *
 * Not modelled: filters (`state …`, `src …`), `-p` (netstage sockets do not record their
 * processes), netlink (`nl`) and packet rows, the `RTNETLINK answers: Invalid argument`
 * line Linux 6.18 prints for diag modules it lacks.
 *
 * @module
 */

import type { Kernel, Net } from '@netstage/core-net';
import { ipv4ToString } from '@netstage/ipv4';
import type { TcpSeqSocket } from '@netstage/procfs';
import { UnixDgramSocket, UnixStreamSocket, formatUnixAddress, inetFamily, unixProtocol } from '@netstage/sockets';
import { finished, type Command } from '../shell/process.js';

/** Socket tables ss asks for (`*_DB` in `misc/ss.c`), in the order it prints them. */
type SsDb = 'unix_dg' | 'unix_st' | 'udp' | 'tcp';

/** State bits (`SS_*`, the TCP state numbers). */
const SS = { ESTABLISHED: 1, CLOSE: 7, LISTEN: 10 } as const;
const ALL_STATES = 0xfff;
/** `SS_CONN`: every state but LISTEN, CLOSE, TIME_WAIT and SYN_RECV. */
const SS_CONN = ALL_STATES & ~((1 << SS.LISTEN) | (1 << SS.CLOSE) | (1 << 6) | (1 << 3));

/** Default states of each table without `-a`/`-l` (`default_dbs`). */
const DEFAULT_STATES: Readonly<Record<SsDb, number>> = {
  tcp: SS_CONN,
  udp: 1 << SS.ESTABLISHED,
  unix_dg: 1 << SS.ESTABLISHED,
  unix_st: SS_CONN,
};

/** State names as ss prints them (`sstate_name`). */
const STATE_NAMES: Readonly<Record<number, string>> = {
  1: 'ESTAB', 2: 'SYN-SENT', 3: 'SYN-RECV', 4: 'FIN-WAIT-1', 5: 'FIN-WAIT-2', 6: 'TIME-WAIT',
  7: 'UNCONN', 8: 'CLOSE-WAIT', 9: 'LAST-ACK', 10: 'LISTEN', 11: 'CLOSING',
};

/**
 * Well-known service names ss prints without `-n` (a small copy of netbase's
 * `/etc/services`, same name for TCP and UDP where both exist).
 */
export const SS_SERVICES: ReadonlyMap<number, string> = new Map([
  [7, 'echo'], [9, 'discard'], [13, 'daytime'], [21, 'ftp'], [22, 'ssh'], [23, 'telnet'], [25, 'smtp'],
  [53, 'domain'], [67, 'bootps'], [68, 'bootpc'], [69, 'tftp'], [80, 'http'], [110, 'pop3'], [123, 'ntp'],
  [143, 'imap2'], [161, 'snmp'], [162, 'snmp-trap'], [179, 'bgp'], [389, 'ldap'], [443, 'https'],
  [514, 'syslog'], [520, 'router'], [873, 'rsync'], [993, 'imaps'], [995, 'pop3s'],
]);

/** One row: the fields of `misc/ss.c`'s columns. */
interface SsRow {
  netid: string;
  state: number;
  recvQ: number;
  sendQ: number;
  local: string;
  localPort: string;
  peer: string;
  peerPort: string;
}

/**
 * Where ss gets TCP sockets: the sockets layer has no TCP yet, so none. A TCP
 * implementation plugs in here with sockets that fulfil procfs's `TcpSeqSocket`.
 */
function tcpSockets(_kernel: Kernel, _net: Net): readonly TcpSeqSocket[] {
  return [];
}

/** The `ss -V` line. */
const SS_VERSION = 'ss utility, iproute2-6.1.0\n';

/** ss 6.1's usage (on an unknown option: standard error, status 255). */
export const SS_USAGE = `Usage: ss [ OPTIONS ]
       ss [ OPTIONS ] [ FILTER ]
   -h, --help          this message
   -V, --version       output version information
   -n, --numeric       don't resolve service names
   -r, --resolve       resolve host names
   -a, --all           display all sockets
   -l, --listening     display listening sockets
   -o, --options       show timer information
   -e, --extended      show detailed socket information
   -m, --memory        show socket memory usage
   -p, --processes     show process using socket
   -T, --threads       show thread using socket
   -i, --info          show internal TCP information
       --tipcinfo      show internal tipc socket information
   -s, --summary       show socket usage summary
       --tos           show tos and priority information
       --cgroup        show cgroup information
   -b, --bpf           show bpf filter socket information
   -E, --events        continually display sockets as they are destroyed
   -Z, --context       display task SELinux security contexts
   -z, --contexts      display task and socket SELinux security contexts
   -N, --net           switch to the specified network namespace name

   -4, --ipv4          display only IP version 4 sockets
   -6, --ipv6          display only IP version 6 sockets
   -0, --packet        display PACKET sockets
   -t, --tcp           display only TCP sockets
   -M, --mptcp         display only MPTCP sockets
   -S, --sctp          display only SCTP sockets
   -u, --udp           display only UDP sockets
   -d, --dccp          display only DCCP sockets
   -w, --raw           display only RAW sockets
   -x, --unix          display only Unix domain sockets
       --tipc          display only TIPC sockets
       --vsock         display only vsock sockets
       --xdp           display only XDP sockets
   -f, --family=FAMILY display sockets of type FAMILY
       FAMILY := {inet|inet6|link|unix|netlink|vsock|tipc|xdp|help}

   -K, --kill          forcibly close sockets, display what was closed
   -H, --no-header     Suppress header line
   -O, --oneline       socket's data printed on a single line
       --inet-sockopt  show various inet socket options

   -A, --query=QUERY, --socket=QUERY
       QUERY := {all|inet|tcp|mptcp|udp|raw|unix|unix_dgram|unix_stream|unix_seqpacket|packet|packet_raw|packet_dgram|netlink|dccp|sctp|vsock_stream|vsock_dgram|tipc|xdp}[,QUERY]

   -D, --diag=FILE     Dump raw information about TCP sockets to FILE
   -F, --filter=FILE   read filter information from FILE
       FILTER := [ state STATE-FILTER ] [ EXPRESSION ]
       STATE-FILTER := {all|connected|synchronized|bucket|big|TCP-STATES}
         TCP-STATES := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|closed|close-wait|last-ack|listening|closing}
          connected := {established|syn-sent|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}
       synchronized := {established|syn-recv|fin-wait-{1,2}|time-wait|close-wait|last-ack|closing}
             bucket := {syn-recv|time-wait}
                big := {established|syn-sent|fin-wait-{1,2}|closed|close-wait|last-ack|listening|closing}
`;

const LONG: Readonly<Record<string, string>> = {
  '--tcp': 't', '--udp': 'u', '--unix': 'x', '--listening': 'l', '--all': 'a', '--numeric': 'n',
  '--no-header': 'H', '--ipv4': '4', '--help': 'h', '--version': 'V', '--resolve': 'r',
};

/**
 * Lay out rows as iproute2 6.1 does for a non-terminal: the widest field (header
 * included when shown) per column plus its delimiter.
 *
 * @example
 * ```ts
 * import { renderSsTable } from '@netstage/cli';
 * renderSsTable([], { netid: false, state: true, header: true });
 * // 'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n'
 * ```
 */
export function renderSsTable(
  rows: readonly (readonly string[])[],
  show: { readonly netid: boolean; readonly state: boolean; readonly header: boolean },
): string {
  // Netid, State, Recv-Q, Send-Q, Local, Port, Peer, Port, Process.
  const headers = ['Netid', 'State', 'Recv-Q', 'Send-Q', 'Local Address:', 'Port', 'Peer Address:', 'Port', 'Process'];
  const delims = ['', ' ', ' ', ' ', ' ', '', ' ', '', ''];
  const right = [false, false, false, false, true, false, true, false, false];
  const enabled = headers.map((_, i) => (i === 0 ? show.netid : i === 1 ? show.state : true));
  const lines = show.header ? [headers, ...rows] : rows;
  const widths = headers.map((_, i) => Math.max(0, ...lines.map((l) => (l[i] ?? '').length)));
  let first = true;
  const cols = widths.map((w, i) => {
    if (!enabled[i]) return { on: false, w: 0, d: '' };
    const d = !first && w > 0 ? (delims[i] ?? '') : '';
    if (w > 0) first = false;
    return { on: true, w, d };
  });
  let out = '';
  for (const l of lines) {
    let line = '';
    cols.forEach((c, i) => {
      if (!c.on || c.w + c.d.length === 0) return;
      const f = l[i] ?? '';
      line += c.d + (right[i] === true ? f.padStart(c.w) : f.padEnd(c.w));
    });
    out += `${line}\n`;
  }
  return out;
}

/**
 * `ss [-t] [-u] [-x] [-l] [-a] [-n] [-H]` in the task's namespace.
 *
 * @remarks
 * iproute2 6.1 `misc/ss.c`: tables by `-t`/`-u`/`-x` (all of them by default), states
 * by `-l` (listening and unconnected), `-a` (all) or each table's default (connected);
 * the Netid column only when more than one table is asked for, the State column only
 * when more than one state is; rows unix, then UDP, then TCP, each in the order the
 * namespace's `/proc/net` file lists them. Recv-Q/Send-Q: for UDP the bytes charged to
 * the receive queue (as `/proc/net/udp`'s `rx_queue`); for a unix listener the pending
 * connections and the backlog; for a unix stream the unread bytes; for a unix datagram
 * socket the waiting datagrams; Send-Q otherwise 0.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageCommands, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(netstageCommands(), kernel, ['ss', '-ltn']).stdout;
 * // 'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n'
 * ```
 */
export const ssCommand: Command = (ctx) => {
  const letters: string[] = [];
  for (const arg of ctx.argv.slice(1)) {
    if (arg.startsWith('--')) {
      const l = LONG[arg];
      if (l === undefined) {
        ctx.stderr.write(`ss: unrecognized option '${arg}'\n${SS_USAGE}`);
        return finished(255);
      }
      letters.push(l);
    } else if (arg.startsWith('-') && arg.length > 1) {
      letters.push(...arg.slice(1));
    } else {
      ctx.stderr.write('ss: filter expressions are not available in netstage\n');
      return finished(1);
    }
  }
  const dbs = new Set<SsDb>();
  let all = false;
  let listening = false;
  let numeric = false;
  let header = true;
  for (const c of letters) {
    switch (c) {
      case 't': dbs.add('tcp'); break;
      case 'u': dbs.add('udp'); break;
      case 'x': dbs.add('unix_dg').add('unix_st'); break;
      case '4': dbs.add('tcp').add('udp'); break;
      case 'a': all = true; break;
      case 'l': listening = true; break;
      case 'n': numeric = true; break;
      case 'H': header = false; break;
      case 'r': break;
      case 'V': ctx.stdout.write(SS_VERSION); return finished(0);
      case 'h': ctx.stdout.write(SS_USAGE); return finished(0);
      case 'Z': case 'z': ctx.stderr.write('ss: SELinux is not enabled.\n'); return finished(1);
      default:
        if ('oemipTsbENw06MSdfKOADF'.includes(c)) {
          ctx.stderr.write(`ss: option -${c} is not available in netstage\n`);
          return finished(1);
        }
        ctx.stderr.write(`ss: invalid option -- '${c}'\n${SS_USAGE}`);
        return finished(255);
    }
  }
  if (dbs.size === 0) for (const d of ['unix_dg', 'unix_st', 'udp', 'tcp'] as const) dbs.add(d);
  let states = 0;
  if (all) states = ALL_STATES;
  else if (listening) states = (1 << SS.LISTEN) | (1 << SS.CLOSE);
  else for (const d of dbs) states |= DEFAULT_STATES[d];
  const rows = collect(ctx.kernel, ctx.task.net, dbs, states, numeric);
  const oneBit = (n: number): boolean => (n & (n - 1)) === 0;
  const dbBits = (dbs.has('unix_dg') ? 1 : 0) | (dbs.has('unix_st') ? 2 : 0) | (dbs.has('udp') ? 4 : 0) | (dbs.has('tcp') ? 8 : 0);
  const show = { netid: !oneBit(dbBits), state: !oneBit(states), header };
  const cells = rows.map((r) => [r.netid, STATE_NAMES[r.state] ?? 'UNKNOWN', String(r.recvQ).padEnd(6), String(r.sendQ).padEnd(6), r.local, r.localPort, r.peer, r.peerPort, '']);
  ctx.stdout.write(renderSsTable(cells, show));
  return finished(0);
};

/** A port as ss prints it: `*` for 0, a service name without `-n`. */
function portText(port: number, numeric: boolean): string {
  if (port === 0) return '*';
  return numeric ? String(port) : (SS_SERVICES.get(port) ?? String(port));
}

/** The rows of the asked tables and states, unix then UDP then TCP. */
function collect(kernel: Kernel, net: Net, dbs: ReadonlySet<SsDb>, states: number, numeric: boolean): SsRow[] {
  const rows: SsRow[] = [];
  const want = (state: number): boolean => (states & (1 << state)) !== 0;
  if (dbs.has('unix_dg') || dbs.has('unix_st')) {
    for (const s of unixProtocol(kernel).sockets(net)) {
      if (!(s instanceof UnixStreamSocket) && !(s instanceof UnixDgramSocket)) continue;
      const stream = s instanceof UnixStreamSocket;
      if (!dbs.has(stream ? 'unix_st' : 'unix_dg')) continue;
      if (s.inode === 0) continue;
      const listen = stream && s.state === 'listening';
      const state = listen ? SS.LISTEN : s.established ? SS.ESTABLISHED : SS.CLOSE;
      if (!want(state)) continue;
      const recvQ = s instanceof UnixStreamSocket ? (listen ? s.pendingConnections : s.queuedBytes) : s.queueLength;
      rows.push({
        netid: stream ? 'u_str' : 'u_dgr',
        state,
        recvQ,
        sendQ: s instanceof UnixStreamSocket && listen ? s.backlog : 0,
        local: `${s.local === undefined ? '*' : formatUnixAddress(s.local)} `,
        localPort: String(s.inode),
        peer: '* ',
        peerPort: String(s.peerInode),
      });
    }
  }
  if (dbs.has('udp')) {
    for (const s of inetFamily(kernel).udp.sockets(net)) {
      const state = s.connected ? SS.ESTABLISHED : SS.CLOSE;
      if (!want(state)) continue;
      rows.push({
        netid: 'udp',
        state,
        recvQ: s.queuedBytes,
        sendQ: 0,
        local: `${ipv4ToString(s.local.address)}:`,
        localPort: portText(s.local.port, numeric),
        peer: `${ipv4ToString(s.remote.address)}:`,
        peerPort: portText(s.remote.port, numeric),
      });
    }
  }
  if (dbs.has('tcp')) {
    for (const s of tcpSockets(kernel, net)) {
      if (!want(s.tcpState)) continue;
      rows.push({
        netid: 'tcp',
        state: s.tcpState,
        recvQ: s.rxQueue,
        sendQ: s.txQueue,
        local: `${ipv4ToString(s.local.address)}:`,
        localPort: portText(s.local.port, numeric),
        peer: `${ipv4ToString(s.remote.address)}:`,
        peerPort: portText(s.remote.port, numeric),
      });
    }
  }
  return rows;
}
