/**
 * `ip route`: list, add, replace, delete and flush IPv4 routes, and ask which route a
 * destination takes, over {@link @netstage/ipv4!InetControl}.
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { netdev } from '@netstage/devices';
import { InetControl, RT_TABLE, type Route, type RouteProtocol, type RouteRequest, type RouteType } from '@netstage/ipv4';
import type { ProcContext } from '../../shell/process.js';
import { finished } from '../../shell/process.js';
import { IpArgs, IpExit, parseInetAddress, parseInetPrefix, parseScope, parseSmallNumber, runIpBody } from './inet-args.js';
import { ipMatches, type IpObjectCommand, type IpOptions } from './options.js';
import { formatRouteGet, formatRouteLine, parseRouteTable } from './route-format.js';

/** `ip route help` (iproute2 6.1, as printed on this machine). */
const ROUTE_USAGE = `Usage: ip route { list | flush } SELECTOR
       ip route save SELECTOR
       ip route restore
       ip route showdump
       ip route get [ ROUTE_GET_FLAGS ] ADDRESS
                            [ from ADDRESS iif STRING ]
                            [ oif STRING ] [ tos TOS ]
                            [ mark NUMBER ] [ vrf NAME ]
                            [ uid NUMBER ] [ ipproto PROTOCOL ]
                            [ sport NUMBER ] [ dport NUMBER ]
       ip route { add | del | change | append | replace } ROUTE
SELECTOR := [ root PREFIX ] [ match PREFIX ] [ exact PREFIX ]
            [ table TABLE_ID ] [ vrf NAME ] [ proto RTPROTO ]
            [ type TYPE ] [ scope SCOPE ]
ROUTE := NODE_SPEC [ INFO_SPEC ]
NODE_SPEC := [ TYPE ] PREFIX [ tos TOS ]
             [ table TABLE_ID ] [ proto RTPROTO ]
             [ scope SCOPE ] [ metric METRIC ]
             [ ttl-propagate { enabled | disabled } ]
INFO_SPEC := { NH | nhid ID } OPTIONS FLAGS [ nexthop NH ]...
NH := [ encap ENCAPTYPE ENCAPHDR ] [ via [ FAMILY ] ADDRESS ]
      [ dev STRING ] [ weight NUMBER ] NHFLAGS
FAMILY := [ inet | inet6 | mpls | bridge | link ]
OPTIONS := FLAGS [ mtu NUMBER ] [ advmss NUMBER ] [ as [ to ] ADDRESS ]
           [ rtt TIME ] [ rttvar TIME ] [ reordering NUMBER ]
           [ window NUMBER ] [ cwnd NUMBER ] [ initcwnd NUMBER ]
           [ ssthresh NUMBER ] [ realms REALM ] [ src ADDRESS ]
           [ rto_min TIME ] [ hoplimit NUMBER ] [ initrwnd NUMBER ]
           [ features FEATURES ] [ quickack BOOL ] [ congctl NAME ]
           [ pref PREF ] [ expires TIME ] [ fastopen_no_cookie BOOL ]
TYPE := { unicast | local | broadcast | multicast | throw |
          unreachable | prohibit | blackhole | nat }
TABLE_ID := [ local | main | default | all | NUMBER ]
SCOPE := [ host | link | global | NUMBER ]
NHFLAGS := [ onlink | pervasive ]
RTPROTO := [ kernel | boot | static | NUMBER ]
PREF := [ low | medium | high ]
TIME := NUMBER[s|ms]
BOOL := [1|0]
FEATURES := ecn
ENCAPTYPE := [ mpls | ip | ip6 | seg6 | seg6local | rpl | ioam6 | xfrm ]
ENCAPHDR := [ MPLSLABEL | SEG6HDR | SEG6LOCAL | IOAM6HDR | XFRMINFO ]
SEG6HDR := [ mode SEGMODE ] segs ADDR1,ADDRi,ADDRn [hmac HMACKEYID] [cleanup]
SEGMODE := [ encap | encap.red | inline | l2encap | l2encap.red ]
SEG6LOCAL := action ACTION [ OPTIONS ] [ count ]
ACTION := { End | End.X | End.T | End.DX2 | End.DX6 | End.DX4 |
            End.DT6 | End.DT4 | End.DT46 | End.B6 | End.B6.Encaps |
            End.BM | End.S | End.AS | End.AM | End.BPF }
OPTIONS := OPTION [ OPTIONS ]
OPTION := { flavors FLAVORS | srh SEG6HDR | nh4 ADDR | nh6 ADDR | iif DEV | oif DEV |
            table TABLEID | vrftable TABLEID | endpoint PROGNAME }
FLAVORS := { FLAVOR[,FLAVOR] }
FLAVOR := { psp | usp | usd | next-csid }
IOAM6HDR := trace prealloc type IOAM6_TRACE_TYPE ns IOAM6_NAMESPACE size IOAM6_TRACE_SIZE
XFRMINFO := if_id IF_ID [ link_dev LINK ]
ROUTE_GET_FLAGS := [ fibmatch ]
`;

/** Route types `ip route add TYPE PREFIX` takes that netstage models. */
const ROUTE_TYPES: readonly RouteType[] = ['unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit'];

/** Protocols netstage's routes carry (`rt_protos` names, numbers 2, 3, 4). */
const PROTOCOLS: readonly RouteProtocol[] = ['kernel', 'boot', 'static'];

function usage(): IpExit {
  return new IpExit(ROUTE_USAGE, 255);
}

function invalid(value: string, what: string): IpExit {
  return new IpExit(`Error: argument "${value}" is wrong: ${what}\n\n`, 255);
}

/** A device name that must exist in the caller's namespace (`ll_name_to_index`). */
function checkDevice(ctx: ProcContext, name: string): void {
  if (netdev(ctx.kernel).byName(ctx.task.net, name) === undefined) throw new IpExit(`Cannot find device "${name}"\n`, 1);
}

/** Read `ip route add|del|replace ROUTE` into a request (`iproute_modify`). */
function parseRoute(ctx: ProcContext, words: readonly string[], del: boolean): RouteRequest {
  const args = new IpArgs(words);
  let dst: { addr: number; len: number } | undefined;
  let type: RouteType | undefined;
  let table: number | undefined;
  let dev: string | undefined;
  let gateway: number | undefined;
  let prefsrc: number | undefined;
  let metric: number | undefined;
  let protocol: RouteProtocol | undefined;
  let scope: number | undefined;
  let tos: number | undefined;
  const setDst = (word: string): void => {
    if (dst !== undefined) throw new IpExit(`Error: either "to" is duplicate, or "${word}" is a garbage.\n`, 255);
    dst = parseInetPrefix(word, true);
  };
  while (!args.done) {
    const w = args.take();
    if (w === 'src') prefsrc = parseInetAddress(args.value());
    else if (w === 'via') gateway = parseInetAddress(args.value());
    else if (w === 'metric' || w === 'priority' || ipMatches(w, 'preference')) {
      const v = args.value();
      metric = parseSmallNumber(v, 0xffffffff);
      if (metric === undefined) throw invalid(v, '"metric" value is invalid');
    } else if (w === 'table') {
      const v = args.value();
      table = parseRouteTable(v);
      if (table === undefined) throw invalid(v, '"table" value is invalid');
    } else if (ipMatches(w, 'protocol') && w.length >= 4) {
      const v = args.value();
      const p = PROTOCOLS.find((x) => x === v) ?? PROTOCOLS[Number(v) - 2];
      if (p === undefined) throw invalid(v, '"protocol" value is invalid');
      protocol = p;
    } else if (w === 'scope') {
      const v = args.value();
      scope = parseScope(v);
      if (scope === undefined) throw invalid(v, 'invalid "scope" value');
    } else if (w === 'dev' || w === 'oif') dev = args.value();
    else if (w === 'tos' || w === 'dsfield') {
      const v = args.value();
      tos = parseSmallNumber(v.startsWith('0x') ? v : `0x${v}`, 255);
      if (tos === undefined) throw invalid(v, '"tos" value is invalid');
    } else if (w === 'to') setDst(args.value());
    else if (ROUTE_TYPES.some((t) => t === w)) {
      type = w as RouteType;
      setDst(args.value());
    } else setDst(w);
  }
  if (dst === undefined) throw usage();
  if (dev !== undefined) checkDevice(ctx, dev);
  if (table === undefined && (type === 'local' || type === 'broadcast')) table = RT_TABLE.LOCAL;
  return {
    dst: dst.addr,
    prefixLen: dst.len,
    ...(type === undefined ? (del ? {} : { type: 'unicast' as const }) : { type }),
    ...(table === undefined ? {} : { table }),
    ...(dev === undefined ? {} : { dev }),
    ...(gateway === undefined ? {} : { gateway }),
    ...(prefsrc === undefined ? {} : { prefsrc }),
    ...(metric === undefined ? {} : { metric }),
    ...(protocol === undefined ? {} : { protocol }),
    ...(scope === undefined || del ? {} : { scope }),
    // The kernel matches the TOS exactly on delete: none given is TOS 0.
    ...(tos === undefined ? (del ? { tos: 0 } : {}) : { tos }),
  };
}

/** What `ip route show|flush` selects. */
interface RouteFilter {
  readonly table: number | 'all';
  readonly dev: string | undefined;
  readonly prefix: { addr: number; len: number } | undefined;
}

function parseFilter(ctx: ProcContext, words: readonly string[]): RouteFilter {
  const args = new IpArgs(words);
  let table: number | 'all' = RT_TABLE.MAIN;
  let dev: string | undefined;
  let prefix: { addr: number; len: number } | undefined;
  while (!args.done) {
    const w = args.take();
    if (w === 'table') {
      const v = args.value();
      const id = v === 'all' ? 'all' : parseRouteTable(v);
      if (id === undefined) throw invalid(v, 'table id value is invalid');
      table = id;
    } else if (w === 'dev' || w === 'oif') dev = args.value();
    else if (w === 'proto' || w === 'protocol' || w === 'scope' || w === 'type') args.value();
    else if (w === 'to' || w === 'root' || w === 'match' || w === 'exact') prefix = parseInetPrefix(args.value(), true);
    else prefix = parseInetPrefix(w, true);
  }
  if (dev !== undefined) checkDevice(ctx, dev);
  return { table, dev, prefix };
}

function selected(route: Route, f: RouteFilter): boolean {
  if (f.dev !== undefined && route.dev?.name !== f.dev) return false;
  if (f.prefix !== undefined && (route.dst !== f.prefix.addr >>> 0 || route.prefixLen !== f.prefix.len)) return false;
  return true;
}

function listRoutes(ctx: ProcContext, inet: InetControl, f: RouteFilter): Route[] {
  const routes = inet.showRoutes(ctx.task, f.table).filter((r) => selected(r, f));
  // A full dump walks the kernel's table hash (256 buckets by id): 100 before main (254).
  return f.table === 'all' ? routes.sort((a, b) => (a.table & 0xff) - (b.table & 0xff)) : routes;
}

function show(ctx: ProcContext, inet: InetControl, words: readonly string[]): number {
  const f = parseFilter(ctx, words);
  let routes: Route[];
  try {
    routes = listRoutes(ctx, inet, f);
  } catch (err) {
    // A dump the kernel ends with an error: its extack, then iproute2's note.
    if (err instanceof NetError && err.extack !== undefined) throw new IpExit(`${err.message}\nDump terminated\n`, 2);
    throw err;
  }
  const opts = { showTable: f.table === 'all', omitDev: f.dev !== undefined };
  ctx.stdout.write(routes.map((r) => formatRouteLine(r, opts)).join(''));
  return 0;
}

function flush(ctx: ProcContext, inet: InetControl, words: readonly string[]): number {
  if (words.length === 0) throw new IpExit('"ip route flush" requires arguments.\n', 1);
  const f = parseFilter(ctx, words);
  for (const r of listRoutes(ctx, inet, f)) {
    inet.deleteRoute(ctx.task, {
      dst: r.dst,
      prefixLen: r.prefixLen,
      table: r.table,
      type: r.type,
      ...(r.dev === undefined ? {} : { dev: r.dev.name }),
      gateway: r.gateway,
      metric: r.metric,
      tos: r.tos,
    });
  }
  return 0;
}

function get(ctx: ProcContext, inet: InetControl, words: readonly string[], opts: IpOptions): number {
  const args = new IpArgs(words);
  let dst: number | undefined;
  while (!args.done) {
    const w = args.take();
    if (w === 'fibmatch') continue;
    if (w === 'from' || w === 'iif' || w === 'oif' || w === 'tos' || w === 'mark' || w === 'uid' || w === 'vrf') {
      args.value();
      continue;
    }
    const text = w === 'to' ? args.value() : w;
    if (dst !== undefined) throw new IpExit(`Error: inet prefix is expected rather than "${text}".\n`, 1);
    const p = parseInetPrefix(text);
    if (p.hasLen && p.len !== 32) ctx.stderr.write(`Warning: /${p.len} as prefix is invalid, only /32 (or none) is supported.\n`);
    dst = p.addr;
  }
  if (dst === undefined) throw new IpExit('need at least a destination address\n', 1);
  ctx.stdout.write(formatRouteGet(dst, inet.routeGet(ctx.task, dst), opts.oneline));
  return 0;
}

/**
 * `ip route [show|list|add|replace|change|delete|get|flush|help] ...`.
 *
 * @remarks
 * iproute2 6.1 `ip/iproute.c`. Output and errors as captured on this machine:
 * `RTNETLINK answers: File exists`, `Error: Nexthop has invalid gateway.`, `RTNETLINK
 * answers: No such process` (transcript 4.C), `Error: ipv4: FIB table does not exist.`
 * then `Dump terminated` with status 2 for a missing table (4.A). Keywords may be
 * abbreviated as iproute2's `matches()` allows. Not modelled: `proto` values other than
 * `kernel`, `boot` and `static`, `throw`/`nat`/`multicast` routes, multipath,
 * `ip route get` options (`from`, `iif`, `oif`, … are read and ignored).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { ipRoute, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * new LinkControl(kernel).set(kernel.initTask, 'lo', { up: true });
 * const opts = { oneline: false, brief: false, stats: 0, details: false, family: undefined };
 * const table = new Map([['ip', (ctx: Parameters<typeof ipRoute>[0]) => ipRoute(ctx, ctx.argv.slice(2), opts)]]);
 * runArgv(table, kernel, ['ip', 'route', 'show', 'table', 'local']).stdout.split('\n')[0];
 * // 'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 '
 * ```
 */
export const ipRoute: IpObjectCommand = (ctx, args, opts) =>
  finished(
    runIpBody(ctx.stderr, () => {
      const inet = new InetControl(ctx.kernel);
      const [cmd, ...rest] = args;
      if (cmd === undefined) return show(ctx, inet, []);
      if (ipMatches(cmd, 'add')) {
        inet.addRoute(ctx.task, parseRoute(ctx, rest, false), 'add');
        return 0;
      }
      if (ipMatches(cmd, 'change') || cmd === 'chg' || ipMatches(cmd, 'replace')) {
        inet.addRoute(ctx.task, parseRoute(ctx, rest, false), 'replace');
        return 0;
      }
      if (ipMatches(cmd, 'delete')) {
        inet.deleteRoute(ctx.task, parseRoute(ctx, rest, true));
        return 0;
      }
      if (ipMatches(cmd, 'list') || ipMatches(cmd, 'show') || cmd === 'lst') return show(ctx, inet, rest);
      if (ipMatches(cmd, 'get')) return get(ctx, inet, rest, opts);
      if (ipMatches(cmd, 'flush')) return flush(ctx, inet, rest);
      if (ipMatches(cmd, 'help')) throw usage();
      throw new IpExit(`Command "${cmd}" is unknown, try "ip route help".\n`, 255);
    }),
  );
