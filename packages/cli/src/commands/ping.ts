/**
 * `ping`: iputils' ICMP echo client (20221126, the one on the reference machine) over
 * netstage's sockets, in virtual time.
 *
 * It opens a ping socket (`SOCK_DGRAM`/`IPPROTO_ICMP`) and, when the namespace's
 * `ping_group_range` refuses it (EACCES — the default `1 0`), a raw ICMP socket, as
 * iputils' `create_socket` does (strace on the reference machine: `socket(AF_INET,
 * SOCK_DGRAM, IPPROTO_ICMP) = -1 EACCES`, then `socket(AF_INET, SOCK_RAW,
 * IPPROTO_ICMP) = 3`). A UDP socket connected to the destination finds the source
 * address first (`ping: connect: Network is unreachable`, status 2, without a route).
 *
 * Times are virtual: a round trip is the virtual time between sending a request and
 * reading its reply, which is 0 over veth and loopback (delivery takes no virtual
 * time), so replies print `time=0.000 ms` and the statistics `0.000/0.000/0.000/0.000`;
 * the summary's `time Nms` is the virtual time from the first request to the last
 * (`(count - 1) × interval`), where real runs show a few ms more.
 *
 * `-t TTL` sets the echo socket's `IP_TTL`, as iputils does. Not modelled: `-I DEV` picks DEV's address as the source but does not bind the
 * socket to the device; on a ping socket (no `IP_RECVERR` yet) ICMP errors are not
 * reported, only on the raw socket; name resolution (every name is unknown).
 *
 * @module
 */

import { NetError, type Task } from '@netstage/core-net';
import { netdev } from '@netstage/devices';
import { ICMP_DEST_UNREACH, ICMP_ECHO, ICMP_ECHOREPLY, ICMP_TIME_EXCEEDED, RT_SCOPE, emitIcmp, icmpBufferLength, ipv4, ipv4ToString, parseIpv4 } from '@netstage/ipv4';
import { IP, SOL, socketLayer, type Datagram, type PingSocket, type RawSocket, type UdpSocket } from '@netstage/sockets';

/** The echo socket: a ping socket or a raw ICMP one. */
type EchoSocket = PingSocket | RawSocket;
import type { Command, ProcContext, Wait } from '../shell/process.js';

/** iputils' usage text (`ping -h`, a bad option), printed on standard error with status 2. */
export const PING_USAGE = `
Usage
  ping [options] <destination>

Options:
  <destination>      dns name or ip address
  -a                 use audible ping
  -A                 use adaptive ping
  -B                 sticky source address
  -c <count>         stop after <count> replies
  -C                 call connect() syscall on socket creation
  -D                 print timestamps
  -d                 use SO_DEBUG socket option
  -e <identifier>    define identifier for ping session, default is random for
                     SOCK_RAW and kernel defined for SOCK_DGRAM
                     Imply using SOCK_RAW (for IPv4 only for identifier 0)
  -f                 flood ping
  -h                 print help and exit
  -I <interface>     either interface name or address
  -i <interval>      seconds between sending each packet
  -L                 suppress loopback of multicast packets
  -l <preload>       send <preload> number of packages while waiting replies
  -m <mark>          tag the packets going out
  -M <pmtud opt>     define mtu discovery, can be one of <do|dont|want>
  -n                 no dns name resolution
  -O                 report outstanding replies
  -p <pattern>       contents of padding byte
  -q                 quiet output
  -Q <tclass>        use quality of service <tclass> bits
  -s <size>          use <size> as number of data bytes to be sent
  -S <size>          use <size> as SO_SNDBUF socket option value
  -t <ttl>           define time to live
  -U                 print user-to-user latency
  -v                 verbose output
  -V                 print version and exit
  -w <deadline>      reply wait <deadline> in seconds
  -W <timeout>       time to wait for response

IPv4 options:
  -4                 use IPv4
  -b                 allow pinging broadcast
  -R                 record route
  -T <timestamp>     define timestamp, can be one of <tsonly|tsandaddr|tsprespec>

IPv6 options:
  -6                 use IPv6
  -F <flowlabel>     define flow label, default is random
  -N <nodeinfo opt>  use icmp6 node info query, try <help> as argument

For more details see ping(8).
`;

/** Options of iputils' getopt string that take an argument. */
const WITH_ARGUMENT = new Set('cefIilmMpQsStwWTFN'.split(''));
/** Options without an argument that iputils knows. */
const FLAGS = new Set('aABCDdfhLnOqUvV46bRH'.split(''));
/** The ones netstage models. */
const MODELLED = new Set('ciWstIqn4'.split(''));

/** `LONG_MAX`, the upper bound iputils prints for `-c`. */
const LONG_MAX = '9223372036854775807';

/** What the command line asked for. */
interface PingOptions {
  count: number | undefined;
  intervalMs: number;
  lingerMs: number;
  size: number;
  ttl: number | undefined;
  iface: string | undefined;
  quiet: boolean;
  target: string;
}

/** A usage-type failure: message for standard error and the status. */
class PingExit {
  constructor(
    readonly text: string,
    readonly status: number,
  ) {}
}

/** `strtol_or_err`: an integer in `[min, max]`, else iputils' message (status 1). */
function integerArg(text: string, min: number, max: number, maxText = String(max)): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new PingExit(`ping: invalid argument: '${text}'\n`, 1);
  const v = Number(text);
  if (v < min || v > max) throw new PingExit(`ping: invalid argument: '${text}': out of range: ${min} <= value <= ${maxText}\n`, 1);
  return v;
}

/** `ping_strtod`: a decimal number; trailing garbage warns and keeps the numeric prefix. */
function decimalArg(text: string, warn: (s: string) => void): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text);
  if (m === null || m[0].length !== text.length) {
    warn(`ping: option argument contains garbage: ${m === null ? text : text.slice(m[0].length)}\n`);
    warn('ping: this will become fatal error in the future\n');
  }
  return m === null ? 0 : Number(m[0]);
}

/** Parse argv as iputils' getopt loop does. */
function parsePing(argv: readonly string[], warn: (s: string) => void): PingOptions {
  const o: PingOptions = { count: undefined, intervalMs: 1000, lingerMs: 10_000, size: 56, ttl: undefined, iface: undefined, quiet: false, target: '' };
  const operands: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j] ?? '';
      if (!WITH_ARGUMENT.has(c) && !FLAGS.has(c)) throw new PingExit(`ping: invalid option -- '${c}'\n${PING_USAGE}`, 2);
      let value: string | undefined;
      if (WITH_ARGUMENT.has(c)) {
        if (j + 1 < arg.length) value = arg.slice(j + 1);
        else if (i + 1 < argv.length) value = argv[++i];
        else throw new PingExit(`ping: option requires an argument -- '${c}'\n${PING_USAGE}`, 2);
        j = arg.length;
      }
      if (c === 'h') throw new PingExit(PING_USAGE, 2);
      if (c === 'V') throw new PingExit('', -1);
      if (!MODELLED.has(c)) throw new PingExit(`ping: option -${c} is not available in netstage\n`, 2);
      const v = value ?? '';
      switch (c) {
        case 'c':
          o.count = integerArg(v, 1, Number.MAX_SAFE_INTEGER, LONG_MAX);
          break;
        case 'i': {
          const s = decimalArg(v, warn);
          if (s < 0) throw new PingExit(`ping: bad timing interval: ${v}\n`, 2);
          o.intervalMs = Math.round(s * 1000);
          break;
        }
        case 'W': {
          const s = decimalArg(v, warn);
          if (s < 0 || s > 2147483647 / 1000) throw new PingExit(`ping: bad linger time: ${v}\n`, 2);
          o.lingerMs = Math.round(s * 1000);
          break;
        }
        case 's':
          o.size = integerArg(v, 0, 2147483647);
          break;
        case 't':
          o.ttl = integerArg(v, 0, 255);
          break;
        case 'I':
          o.iface = v;
          break;
        case 'q':
          o.quiet = true;
          break;
        default: // -n, -4: nothing to do (numeric output, IPv4 only)
      }
    }
  }
  if (operands.length === 0) throw new PingExit('ping: usage error: Destination address required\n', 1);
  // iputils reads extra operands as hops of a source route, which needs -R rights.
  if (operands.length > 1) throw new PingExit('ping: record route: Operation not permitted\n', 2);
  o.target = operands[0] ?? '';
  return o;
}

/** iputils' `%g` of the loss percentage. */
function percent(lost: number, sent: number): string {
  const v = (100 * lost) / sent;
  return String(Number(v.toPrecision(6)));
}

/** A time in µs as iputils prints an RTT statistic (`%ld.%03ld`). */
function millis3(us: number): string {
  return `${Math.trunc(us / 1000)}.${String(Math.trunc(us % 1000)).padStart(3, '0')}`;
}

/** A reply's ` time=…` as iputils rounds it by magnitude (µs in). */
export function pingTime(us: number): string {
  if (us >= 100_000 - 50) return `${Math.trunc((us + 500) / 1000)}`;
  if (us >= 10_000 - 5) return `${Math.trunc((us + 50) / 1000)}.${Math.trunc(((us + 50) % 1000) / 100)}`;
  if (us >= 1000) return `${Math.trunc((us + 5) / 1000)}.${String(Math.trunc(((us + 5) % 1000) / 10)).padStart(2, '0')}`;
  return millis3(us);
}

/** `Destination … Unreachable` texts by code (`pr_icmph`). */
const UNREACH: readonly string[] = [
  'Destination Net Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  'Frag needed and DF set',
  'Source Route Failed',
];

/** The source address and, for `-I`, the header's `from A DEV: ` part. */
function pickSource(ctx: ProcContext, task: Task, o: PingOptions, dst: number): { src: number; from: string } {
  const layer = socketLayer(ctx.kernel);
  let src = 0;
  let from = '';
  if (o.iface !== undefined) {
    const asAddress = parseIpv4(o.iface);
    if (asAddress !== undefined) {
      src = asAddress;
      from = `from ${ipv4ToString(asAddress)} : `;
    } else {
      const dev = netdev(ctx.kernel).byName(task.net, o.iface);
      if (dev === undefined) throw new PingExit(`ping: SO_BINDTODEVICE ${o.iface}: No such device\n`, 2);
      src = ipv4(ctx.kernel).selectAddress(task.net, dev, dst, RT_SCOPE.UNIVERSE);
      from = `from ${ipv4ToString(src)} ${o.iface}: `;
    }
  }
  // The probe: a UDP socket connected to the destination finds the route and source.
  let fd = -1;
  try {
    fd = layer.socket(task, 'inet', 'dgram');
    const probe = layer.fdSocket(task, fd) as UdpSocket;
    if (src !== 0) probe.bind({ address: src, port: 0 });
    probe.connect({ address: dst, port: 1025 });
    if (ipv4(ctx.kernel).routeLookup(task.net, dst).type === 'broadcast') {
      throw new PingExit('ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n', 2);
    }
    return { src: probe.local.address, from };
  } catch (err) {
    if (err instanceof NetError) throw new PingExit(`ping: ${err.syscall === 'socket' ? 'socket' : err.syscall === 'bind' ? 'bind' : 'connect'}: ${err.strerror}\n`, 2);
    throw err;
  } finally {
    if (fd >= 0) task.close(fd);
  }
}

/** Open the echo socket: a ping socket, or raw ICMP when the group range refuses it. */
function openEchoSocket(ctx: ProcContext, task: Task): { fd: number; sock: EchoSocket; raw: boolean } {
  const layer = socketLayer(ctx.kernel);
  let raw = false;
  let fd: number;
  try {
    fd = layer.socket(task, 'inet', 'dgram', 1);
  } catch (err) {
    if (!(err instanceof NetError) || !['EACCES', 'EAFNOSUPPORT', 'EPROTONOSUPPORT'].includes(err.code)) throw err;
    raw = true;
    try {
      fd = layer.socket(task, 'inet', 'raw', 1);
    } catch (e) {
      if (e instanceof NetError) throw new PingExit(`ping: socket: ${e.strerror}\n`, 2);
      throw e;
    }
  }
  return { fd, sock: layer.fdSocket(task, fd) as EchoSocket, raw };
}

/** What a received datagram says about our requests. */
type PingEvent =
  | { kind: 'reply'; seq: number; bytes: number; ttl: number; from: number }
  | { kind: 'error'; seq: number; from: number; text: string };

/** Read a datagram: a ping socket gets the ICMP message, a raw socket the IP datagram. */
function parseDatagram(d: Datagram, raw: boolean, ident: number): PingEvent | undefined {
  const b = d.data;
  let ihl = 0;
  let ttl = 64;
  if (raw) {
    ihl = ((b[0] ?? 0) & 0x0f) * 4;
    ttl = b[8] ?? 0;
  }
  const icmp = b.subarray(ihl);
  const type = icmp[0] ?? 0;
  const code = icmp[1] ?? 0;
  const u16 = (a: Uint8Array, i: number): number => ((a[i] ?? 0) << 8) | (a[i + 1] ?? 0);
  if (type === ICMP_ECHOREPLY) {
    if (raw && u16(icmp, 4) !== ident) return undefined;
    return { kind: 'reply', seq: u16(icmp, 6), bytes: icmp.length, ttl, from: d.from.address };
  }
  if (!raw || (type !== ICMP_DEST_UNREACH && type !== ICMP_TIME_EXCEEDED)) return undefined;
  // The quoted datagram: its IP header, then our echo request's first 8 bytes.
  const quoted = icmp.subarray(8);
  const qihl = ((quoted[0] ?? 0) & 0x0f) * 4;
  const echo = quoted.subarray(qihl);
  if (quoted[9] !== 1 || echo[0] !== ICMP_ECHO || u16(echo, 4) !== ident) return undefined;
  const text =
    type === ICMP_TIME_EXCEEDED ? 'Time to live exceeded' : (UNREACH[code] ?? `Dest Unreachable, Bad Code: ${code}`);
  return { kind: 'error', seq: u16(echo, 6), from: d.from.address, text };
}

/**
 * `ping [-c N] [-i S] [-W S] [-s SIZE] [-t TTL] [-I DEV] [-q] [-n] ADDR` in the
 * task's namespace: iputils' output, statistics and exit status (0 when a reply came, 1
 * when none did, 2 for errors before sending).
 *
 * @remarks
 * iputils `ping/ping.c` and `ping/ping_common.c` (`main_loop`, `pinger`,
 * `schedule_exit`, `finish`): requests every interval until the count is sent; then
 * wait for the rest as long as twice the slowest reply (at least an interval) when a
 * reply came, else the `-W` linger time (10 s by default); stop as soon as replies
 * plus errors reach the count. Virtual times: see the module notes.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageCommands, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(netstageCommands(), kernel, ['ping', '-c', '1', '127.0.0.1']).stderr;
 * // 'ping: connect: Network is unreachable\n' (lo is down)
 * ```
 */
export const pingCommand: Command = function* (ctx) {
  let fd = -1;
  try {
    const o = parsePing(ctx.argv, (s) => ctx.stderr.write(s));
    const dst = parseIpv4(o.target);
    if (dst === undefined) throw new PingExit(`ping: ${o.target}: Temporary failure in name resolution\n`, 2);
    if (o.ttl === 0) throw new PingExit('ping: cannot set unicast time-to-live: Invalid argument\n', 2);
    const task = ctx.task;
    const opened = openEchoSocket(ctx, task);
    fd = opened.fd;
    const { sock, raw } = opened;
    // iputils: setsockopt(IP_TTL) with -t; 0 was refused above, as the kernel refuses it.
    if (o.ttl !== undefined) sock.setsockopt(SOL.IP, IP.TTL, o.ttl);
    const { src, from } = pickSource(ctx, task, o, dst);
    if (o.iface !== undefined) sock.bind({ address: src, port: 0 });
    const ident = raw ? ctx.kernel.random.nextInt(0x10000) : 0;
    const host = ipv4ToString(dst);
    ctx.stdout.write(`PING ${host} (${host}) ${from}${o.size}(${o.size + 28}) bytes of data.\n`);
    return yield* pingLoop(ctx, o, sock, raw, ident, dst, host);
  } catch (err) {
    if (err instanceof PingExit) {
      if (err.status === -1) {
        ctx.stdout.write('ping from iputils 20221126\nlibcap: yes, IDN: yes, NLS: no, error.h: yes, getrandom(): yes, __fpending(): yes\n');
        return 0;
      }
      ctx.stderr.write(err.text);
      return err.status;
    }
    throw err;
  } finally {
    if (fd >= 0 && ctx.task.alive) ctx.task.close(fd);
  }
};

/** Send, receive and summarise; returns the exit status. */
function* pingLoop(
  ctx: ProcContext,
  o: PingOptions,
  sock: EchoSocket,
  raw: boolean,
  ident: number,
  dst: number,
  host: string,
): Generator<Wait, number, undefined> {
  const clock = ctx.kernel.clock;
  const timing = o.size >= 16;
  const sent = new Map<number, number>();
  let transmitted = 0;
  let received = 0;
  let errors = 0;
  let pipesize = 0;
  let tsum = 0;
  let tsum2 = 0;
  let tmin = Number.POSITIVE_INFINITY;
  let tmax = 0;
  const start = clock.now;
  let lastSend = start;
  let nextSend = start;
  let exitAt: number | undefined;
  const payload = new Uint8Array(o.size);
  for (let i = 16; i < o.size; i++) payload[i] = i & 0xff;

  const acknowledge = (seq: number): void => {
    const diff = (transmitted - seq) & 0xffff;
    if (diff <= 0x7fff && diff + 1 > pipesize) pipesize = diff + 1;
  };
  const handle = (e: PingEvent): void => {
    acknowledge(e.seq);
    if (e.kind === 'error') {
      errors++;
      if (!o.quiet) ctx.stdout.write(`From ${ipv4ToString(e.from)} icmp_seq=${e.seq} ${e.text}\n`);
      return;
    }
    const at = sent.get(e.seq);
    if (at === undefined) return;
    sent.delete(e.seq);
    received++;
    const us = Math.round((clock.now - at) * 1000);
    if (timing) {
      tsum += us;
      tsum2 += us * us;
      tmin = Math.min(tmin, us);
      tmax = Math.max(tmax, us);
    }
    if (!o.quiet) {
      const time = timing ? ` time=${pingTime(us)} ms` : '';
      ctx.stdout.write(`${e.bytes} bytes from ${ipv4ToString(e.from)}: icmp_seq=${e.seq} ttl=${e.ttl}${time}\n`);
    }
  };

  for (;;) {
    // Send what is due.
    while ((o.count === undefined || transmitted < o.count) && clock.now >= nextSend) {
      const seq = (transmitted + 1) & 0xffff;
      const msg = new Uint8Array(icmpBufferLength({ kind: 'echo-request', identifier: ident, sequence: seq, data: payload }));
      emitIcmp({ kind: 'echo-request', identifier: ident, sequence: seq, data: payload }, msg, 0);
      transmitted++;
      lastSend = clock.now;
      sent.set(seq, clock.now);
      try {
        sock.send(msg, { address: dst, port: 0 });
      } catch (err) {
        if (!(err instanceof NetError)) throw err;
        errors++;
        ctx.stdout.write(`ping: sendmsg: ${err.strerror}\n`);
      }
      nextSend += o.intervalMs;
      if (o.count !== undefined && transmitted >= o.count) {
        const wait = received > 0 ? Math.max(2 * tmax / 1000, o.intervalMs) : o.lingerMs;
        exitAt = clock.now + wait;
      }
    }
    // Read what came.
    while (sock.queueLength > 0) {
      let d: Datagram;
      try {
        d = sock.recv();
      } catch {
        continue;
      }
      const e = parseDatagram(d, raw, ident);
      if (e !== undefined) handle(e);
    }
    if (o.count !== undefined && received + errors >= o.count) break;
    if (exitAt !== undefined && clock.now >= exitAt) break;
    const more = o.count === undefined || transmitted < o.count;
    const until = more ? nextSend : (exitAt ?? nextSend);
    yield { ready: () => sock.queueLength > 0, until };
  }

  // finish()
  let out = `\n--- ${host} ping statistics ---\n${transmitted} packets transmitted, ${received} received`;
  if (errors > 0) out += `, +${errors} errors`;
  if (transmitted > 0) out += `, ${percent(transmitted - received, transmitted)}% packet loss, time ${Math.round(lastSend - start)}ms`;
  out += '\n';
  if (received > 0 && timing) {
    const avg = Math.trunc(tsum / received);
    const mdev = Math.trunc(Math.sqrt(Math.max(0, Math.trunc(tsum2 / received) - avg * avg)));
    out += `rtt min/avg/max/mdev = ${millis3(tmin)}/${millis3(avg)}/${millis3(tmax)}/${millis3(mdev)} ms`;
  }
  if (pipesize > 1) out += `${received > 0 && timing ? ', ' : ''}pipe ${pipesize}`;
  out += '\n';
  ctx.stdout.write(out);
  return received === 0 ? 1 : 0;
}
