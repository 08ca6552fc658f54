/**
 * `nc`: OpenBSD netcat (Debian 1.219, the `nc` of the reference machine) in UDP mode,
 * over a UDP socket of the task's namespace, in virtual time.
 *
 * What the real one does, and this one too (captured between two namespaces):
 *
 * - `nc -u -l [ADDR] PORT` / `nc -u -l -p PORT` binds and prints every datagram it gets,
 *   as received (no newline added). The first datagram's sender becomes its peer (it
 *   connects to it), so later input from the terminal goes back there. It does **not**
 *   exit when the sender is done — UDP has no end of stream: it runs until `-W N`
 *   datagrams came (`nc -u -l -W 1 4000`), or `-w S` seconds pass without traffic, or
 *   it is killed. Scripts should use `-W`.
 * - `nc -u HOST PORT` connects and sends each chunk read from standard input as one
 *   datagram (`printf 'one\ntwo\n'` is one datagram). At end of input it keeps waiting
 *   for replies: with `-w S` it quits after S idle seconds, with `-q S` S seconds after
 *   end of input (`-q 0`: at once); without either it waits forever. A port unreachable
 *   answer (ECONNREFUSED on the connected socket) ends it with status 0; no route ends it
 *   with status 1, silently.
 *
 * TCP (`nc` without `-u`) is not available yet: netstage's sockets have no TCP, so it
 * prints `nc: TCP is not available in netstage yet` and exits 1. The option parsing and
 * the connect/listen split are written so that a TCP stream plugs in beside UDP.
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { parseIpv4 } from '@netstage/ipv4';
import { socketLayer, type UdpSocket } from '@netstage/sockets';
import type { Command, ProcContext, Wait } from '../shell/process.js';

/** OpenBSD netcat's short usage (no operands, a bad option): standard error, status 1. */
export const NC_USAGE = `usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]
\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]
\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]
\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]
\t  [destination] [port]
`;

const WITH_ARGUMENT = new Set('IiMmOPpqsTVWwXx'.split(''));
const FLAGS = new Set('46CDdFhklNnrStUuvZzb'.split(''));

/** What the command line asked for. */
interface NcOptions {
  udp: boolean;
  listen: boolean;
  port: number | undefined;
  waitS: number | undefined;
  quitS: number;
  recvLimit: number | undefined;
  operands: string[];
}

class NcExit {
  constructor(
    readonly text: string,
    readonly status: number,
  ) {}
}

/** `strtonum` as netcat uses it: a decimal in range or its message. */
function numberArg(text: string, what: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text)) throw new NcExit(`nc: ${what} invalid: ${text}\n`, 1);
  const v = Number(text);
  if (v < min) throw new NcExit(`nc: ${what} too small: ${text}\n`, 1);
  if (v > max) throw new NcExit(`nc: ${what} too large: ${text}\n`, 1);
  return v;
}

function parseNc(argv: readonly string[]): NcOptions {
  const o: NcOptions = { udp: false, listen: false, port: undefined, waitS: undefined, quitS: -1, recvLimit: undefined, operands: [] };
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') {
      o.operands.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j] ?? '';
      if (!WITH_ARGUMENT.has(c) && !FLAGS.has(c)) throw new NcExit(`nc: invalid option -- '${c}'\n${NC_USAGE}`, 1);
      let v = '';
      if (WITH_ARGUMENT.has(c)) {
        if (j + 1 < arg.length) v = arg.slice(j + 1);
        else if (i + 1 < argv.length) v = argv[++i] ?? '';
        else throw new NcExit(`nc: option requires an argument -- '${c}'\n${NC_USAGE}`, 1);
        j = arg.length;
      }
      switch (c) {
        case 'u': o.udp = true; break;
        case 'l': o.listen = true; break;
        case 'p': o.port = numberArg(v, 'port number', 1, 65535); break;
        case 'w': o.waitS = numberArg(v, 'timeout', 0, 100_000_000); break;
        case 'q': o.quitS = numberArg(v, 'quit timer', -1, 100_000_000); break;
        case 'W': o.recvLimit = numberArg(v, 'receive limit', 1, Number.MAX_SAFE_INTEGER); break;
        case 'h': throw new NcExit('', -1);
        case 'n': case 'v': case '4': break;
        default: throw new NcExit(`nc: option -${c} is not available in netstage\n`, 1);
      }
    }
  }
  return o;
}

/** The port operand: a number in 1..65535 (service names are not looked up). */
function portOperand(text: string): number {
  if (!/^\d+$/.test(text)) throw new NcExit(`nc: port number invalid: ${text}\n`, 1);
  const v = Number(text);
  if (v > 65535) throw new NcExit(`nc: port number too large: ${text}\n`, 1);
  if (v < 1) throw new NcExit(`nc: port number too small: ${text}\n`, 1);
  return v;
}

/**
 * `nc -u [-l] [-p PORT] [-w S] [-q S] [-W N] [HOST] PORT`: move datagrams between
 * standard input/output and a UDP peer, as OpenBSD netcat does (see the module notes).
 *
 * @remarks
 * OpenBSD `usr.bin/nc/netcat.c` (`main`, `readwrite`): a poll loop over the socket and
 * standard input, `-w` as the poll timeout, `-q` after end of input, `-W` counting
 * received packets; a UDP listener `connect`s to its first sender.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageCommands, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(netstageCommands(), kernel, ['nc', '-l', '4000']).stderr;
 * // 'nc: TCP is not available in netstage yet\n'
 * ```
 */
export const ncCommand: Command = function* (ctx) {
  let fd = -1;
  try {
    const o = parseNc(ctx.argv);
    const ops = o.operands;
    if (o.listen) {
      if (o.port !== undefined && ops.length > 0) throw new NcExit(NC_USAGE, 1);
      if (o.port === undefined && ops.length === 0) throw new NcExit('nc: missing port number\n', 1);
      if (ops.length > 2) throw new NcExit(NC_USAGE, 1);
    } else if (ops.length === 0) {
      throw new NcExit(NC_USAGE, 1);
    } else if (ops.length === 1) {
      throw new NcExit('nc: missing port number\n', 1);
    }
    const portText = o.listen && o.port !== undefined ? undefined : ops[ops.length - 1];
    const port = portText === undefined ? (o.port ?? 0) : portOperand(portText);
    const hostText = o.listen ? (ops.length === 2 ? ops[0] : undefined) : ops[0];
    let host = 0;
    if (hostText !== undefined) {
      const a = parseIpv4(hostText);
      if (a === undefined) throw new NcExit(`nc: getaddrinfo for host "${hostText}" port ${port}: Temporary failure in name resolution\n`, 1);
      host = a;
    }
    if (!o.udp) throw new NcExit('nc: TCP is not available in netstage yet\n', 1);
    const layer = socketLayer(ctx.kernel);
    try {
      fd = layer.socket(ctx.task, 'inet', 'dgram');
    } catch (err) {
      if (err instanceof NetError) throw new NcExit(`nc: socket: ${err.strerror}\n`, 1);
      throw err;
    }
    const sock = layer.fdSocket(ctx.task, fd) as UdpSocket;
    try {
      if (o.listen) sock.bind({ address: host, port });
      else {
        if (o.port !== undefined) sock.bind({ address: 0, port: o.port });
        sock.connect({ address: host, port });
      }
    } catch (err) {
      if (!(err instanceof NetError)) throw err;
      // A failed connect is silent without -v; a failed bind says why.
      throw new NcExit(o.listen || err.syscall === 'bind' ? `nc: ${err.strerror}\n` : '', 1);
    }
    return yield* udpReadWrite(ctx, o, sock);
  } catch (err) {
    if (err instanceof NcExit) {
      if (err.status === -1) {
        ctx.stderr.write(`OpenBSD netcat (Debian patchlevel 1.219-1)\n${NC_USAGE}`);
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

/** netcat's `readwrite` for a UDP socket; returns the exit status. */
function* udpReadWrite(ctx: ProcContext, o: NcOptions, sock: UdpSocket): Generator<Wait, number, undefined> {
  const clock = ctx.kernel.clock;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let wake = false;
  sock.onReadable(() => {
    wake = true;
  });
  let stdinOpen = true;
  let quitAt: number | undefined;
  let idleSince = clock.now;
  let received = 0;
  try {
    for (;;) {
      wake = false;
      // Standard input: each chunk one datagram, once there is a peer.
      if (stdinOpen && sock.connected && ctx.stdin.available) {
        const text = ctx.stdin.take();
        try {
          sock.send(encoder.encode(text));
        } catch (err) {
          if (!(err instanceof NetError)) throw err;
          return err.code === 'ECONNREFUSED' ? 0 : 1;
        }
        idleSince = clock.now;
      }
      if (stdinOpen && ctx.stdin.eof) {
        stdinOpen = false;
        if (o.quitS >= 0) quitAt = clock.now + o.quitS * 1000;
      }
      // The network.
      for (;;) {
        let d;
        try {
          d = sock.recv();
        } catch (err) {
          if (err instanceof NetError && err.code === 'EAGAIN') break;
          if (err instanceof NetError) return err.code === 'ECONNREFUSED' ? 0 : 1;
          throw err;
        }
        idleSince = clock.now;
        if (!sock.connected) sock.connect({ address: d.from.address, port: d.from.port });
        ctx.stdout.write(decoder.decode(d.data));
        received++;
        if (o.recvLimit !== undefined && received >= o.recvLimit) return 0;
      }
      if (quitAt !== undefined && clock.now >= quitAt) return 0;
      const idleAt = o.waitS === undefined ? undefined : idleSince + o.waitS * 1000;
      if (idleAt !== undefined && clock.now >= idleAt) return 0;
      const times = [quitAt, idleAt].filter((t): t is number => t !== undefined);
      const until = times.length > 0 ? Math.min(...times) : undefined;
      const ready = (): boolean => wake || sock.queueLength > 0 || (stdinOpen && (ctx.stdin.available || ctx.stdin.eof) && (sock.connected || ctx.stdin.eof));
      yield until === undefined ? { ready } : { ready, until };
    }
  } finally {
    sock.onReadable(undefined);
  }
}

