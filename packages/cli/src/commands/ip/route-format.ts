/**
 * How `ip route` prints routes and `ip route get` answers, as iproute2 6.1 does: words
 * each followed by one space, so every line ends in a space.
 *
 * @module
 */

import { RT_SCOPE, RT_TABLE, ipv4ToString, type Route, type RouteProtocol, type RouteResult } from '@netstage/ipv4';
import { scopeName } from './inet-args.js';

/** Table names of `/etc/iproute2/rt_tables`. */
const TABLE_NAMES: ReadonlyMap<number, string> = new Map([
  [RT_TABLE.LOCAL, 'local'],
  [RT_TABLE.MAIN, 'main'],
  [RT_TABLE.DEFAULT, 'default'],
  [RT_TABLE.UNSPEC, 'unspec'],
]);

/**
 * A table as `ip` prints it: its `rt_tables` name or the number.
 *
 * @example
 * ```ts
 * import { routeTableName } from '@netstage/cli';
 * [routeTableName(255), routeTableName(100)]; // ['local', '100']
 * ```
 */
export function routeTableName(id: number): string {
  return TABLE_NAMES.get(id) ?? String(id);
}

/**
 * A table from its name or number (`rtnl_rttable_a2n`), or undefined.
 *
 * @example
 * ```ts
 * import { parseRouteTable } from '@netstage/cli';
 * [parseRouteTable('main'), parseRouteTable('100'), parseRouteTable('x')]; // [254, 100, undefined]
 * ```
 */
export function parseRouteTable(text: string): number | undefined {
  for (const [id, name] of TABLE_NAMES) if (name === text) return id;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 0xffffffff ? n : undefined;
}

/** What a route line leaves out or adds, depending on the listing. */
export interface RouteLineOptions {
  /** Print `table ID` for routes outside main (`ip route show table all`). */
  readonly showTable: boolean;
  /** Leave out `dev DEV` (the listing was filtered by that device). */
  readonly omitDev: boolean;
}

/**
 * One line of `ip route show` (with its newline): `[TYPE ]PREFIX [tos T ][via GW ][dev
 * DEV ][table ID ][proto P ][scope S ][src A ][metric M ]`.
 *
 * @remarks
 * iproute2 6.1 `ip/iproute.c` `print_route`: the type only when not unicast;
 * `default` for 0.0.0.0/0; a /32 without its length; `proto` unless `boot`; `scope`
 * unless global; `table` only when listing every table and the route is not in main.
 * Transcripts 4.A, 4.B and `ip route` captures on 6.18 (`route.test.ts`).
 *
 * @example
 * ```ts
 * import { formatRouteLine } from '@netstage/cli';
 * formatRouteLine(
 *   { table: 254, dst: 0x0ac80000, prefixLen: 24, type: 'unicast', tos: 0, metric: 0, protocol: 'kernel',
 *     scope: 253, dev: undefined, gateway: 0, prefsrc: 0x0ac80001 },
 *   { showTable: false, omitDev: false },
 * ); // '10.200.0.0/24 proto kernel scope link src 10.200.0.1 \n'
 * ```
 */
export function formatRouteLine(route: Route, opts: RouteLineOptions): string {
  const words: string[] = [];
  if (route.type !== 'unicast') words.push(route.type);
  words.push(route.prefixLen === 0 && route.dst === 0 ? 'default' : route.prefixLen === 32 ? ipv4ToString(route.dst) : `${ipv4ToString(route.dst)}/${route.prefixLen}`);
  if (route.tos !== 0) words.push('tos', `0x${route.tos.toString(16).padStart(2, '0')}`);
  if (route.gateway !== 0) words.push('via', ipv4ToString(route.gateway));
  if (route.dev !== undefined && !opts.omitDev) words.push('dev', route.dev.name);
  if (opts.showTable && route.table !== RT_TABLE.MAIN) words.push('table', routeTableName(route.table));
  if (route.protocol !== 'boot') words.push('proto', protocolName(route.protocol));
  if (route.scope !== RT_SCOPE.UNIVERSE) words.push('scope', scopeName(route.scope));
  if (route.prefsrc !== 0) words.push('src', ipv4ToString(route.prefsrc));
  if (route.metric !== 0) words.push('metric', String(route.metric));
  return `${words.join(' ')} \n`;
}

function protocolName(p: RouteProtocol): string {
  return p;
}

/**
 * The answer of `ip route get ADDR` (with its newline): the route line with `uid 0`,
 * then `    cache` with `<local>` or `<local,brd>` flags; with `-o` the line break is
 * a backslash.
 *
 * @remarks
 * iproute2 6.1 `print_route` for `RTM_F_CLONED` answers (`print_cache_flags`); the
 * uid is the caller's, always 0 (root) in netstage. Captured on 6.18 (`route.test.ts`).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { InetControl } from '@netstage/ipv4';
 * import { formatRouteGet, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * new LinkControl(kernel).set(kernel.initTask, 'lo', { up: true });
 * const r = new InetControl(kernel).routeGet(kernel.initTask, 0x7f000001);
 * formatRouteGet(0x7f000001, r, false); // 'local 127.0.0.1 dev lo src 127.0.0.1 uid 0 \n    cache <local> \n'
 * ```
 */
export function formatRouteGet(dst: number, result: RouteResult, oneline: boolean): string {
  const words: string[] = [];
  if (result.type !== 'unicast') words.push(result.type);
  words.push(ipv4ToString(dst));
  if (result.type === 'unicast' && result.route.gateway !== 0) words.push('via', ipv4ToString(result.route.gateway));
  if (result.dev !== undefined) words.push('dev', result.dev.name);
  if (result.src !== 0) words.push('src', ipv4ToString(result.src));
  words.push('uid', '0');
  const flags = result.type === 'local' ? '<local> ' : result.type === 'broadcast' ? '<local,brd> ' : '';
  return `${words.join(' ')} ${oneline ? '\\' : '\n'}    cache ${flags}\n`;
}
