/**
 * `ip neigh`: the ARP cache of the caller's namespace — list, add, replace, delete,
 * flush — over {@link @netstage/ipv4!InetControl}.
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { parseMac } from '@netstage/devices';
import { InetControl, ipv4ToString, type Neighbour } from '@netstage/ipv4';
import type { ProcContext } from '../../shell/process.js';
import { finished } from '../../shell/process.js';
import { IpArgs, IpExit, parseInetPrefix, runIpBody } from './inet-args.js';
import { formatMac } from './link-format.js';
import { ipMatches, type IpObjectCommand, type IpOptions } from './options.js';

/** The `nud` states `ip neigh add` can set in netstage. */
type SettableNud = 'PERMANENT' | 'REACHABLE' | 'STALE';

/** Every `nud` name iproute2 knows (`nud_state_a2n`). */
const NUD_NAMES = ['permanent', 'reachable', 'stale', 'noarp', 'incomplete', 'failed', 'delay', 'probe', 'none', 'all'];

/**
 * One line of `ip neigh show` (with its newline): `ADDR [dev DEV ][lladdr MAC ]STATE `;
 * `-br` prints `%-39s %-16s MAC` instead.
 *
 * @remarks
 * iproute2 6.1 `ip/ipneigh.c` `print_neigh`; transcript 4.B
 * (`10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 REACHABLE `,
 * `10.200.0.9 dev veth0 INCOMPLETE `) and captures in `ip-neigh.test.ts`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netdev } from '@netstage/devices';
 * import { formatNeighLine, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const lo = netdev(kernel).loopback(kernel.initNet);
 * if (lo) formatNeighLine({ dev: lo, ip: 0x0ac80002, mac: 0x020000000b01, state: 'REACHABLE' }, { brief: false, omitDev: false });
 * // '10.200.0.2 dev lo lladdr 02:00:00:00:0b:01 REACHABLE \n'
 * ```
 */
export function formatNeighLine(
  n: Pick<Neighbour, 'dev' | 'ip' | 'mac' | 'state'>,
  opts: { readonly brief: boolean; readonly omitDev: boolean },
): string {
  const hasMac = n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
  if (opts.brief) return `${ipv4ToString(n.ip).padEnd(39)} ${n.dev.name.padEnd(16)} ${hasMac ? formatMac(n.mac) : ''}\n`;
  const words = [ipv4ToString(n.ip)];
  if (!opts.omitDev) words.push('dev', n.dev.name);
  if (hasMac) words.push('lladdr', formatMac(n.mac));
  words.push(n.state);
  return `${words.join(' ')} \n`;
}

function usageMissing(): IpExit {
  return new IpExit('Device and destination are required arguments.\n', 255);
}

/** `ip neigh add|replace|change|del ADDR [lladdr MAC] [nud STATE] dev DEV` (`ipneigh_modify`). */
function modify(ctx: ProcContext, inet: InetControl, words: readonly string[], mode: 'add' | 'replace' | 'del'): number {
  const args = new IpArgs(words);
  let dst: number | undefined;
  let dev: string | undefined;
  let lladdr: string | undefined;
  let nud: string | undefined;
  while (!args.done) {
    const w = args.take();
    if (w === 'lladdr') lladdr = args.value();
    else if (w === 'nud') {
      const v = args.value();
      if (!NUD_NAMES.includes(v) && !/^(0x[0-9a-f]+|\d+)$/i.test(v)) {
        throw new IpExit(`Error: argument "${v}" is wrong: nud state is bad\n`, 255);
      }
      nud = v;
    } else if (w === 'dev') dev = args.value();
    else if (w === 'router' || w === 'proxy' || w === 'extern_learn' || w === 'use' || w === 'managed') continue;
    else {
      const text = w === 'to' ? args.value() : w;
      if (dst !== undefined) throw new IpExit(`Error: either "to" is duplicate, or "${text}" is a garbage.\n`, 255);
      const p = (() => {
        try {
          return parseInetPrefix(text);
        } catch {
          throw new IpExit(`Error: any valid address is expected rather than "${text}".\n`, 1);
        }
      })();
      dst = p.addr;
    }
  }
  if (dev === undefined || dst === undefined) throw usageMissing();
  if (mode === 'del') {
    try {
      inet.deleteNeighbour(ctx.task, dev, dst);
    } catch (err) {
      if (err instanceof NetError && err.code === 'ENOENT' && err.detail === undefined) {
        throw new IpExit('RTNETLINK answers: No such file or directory\n', 2);
      }
      throw err;
    }
    return 0;
  }
  const state = settableNud(nud ?? 'permanent');
  if (lladdr === undefined) {
    // The kernel wants a link-layer address for every state but INCOMPLETE/NONE.
    inet.showNeighbours(ctx.task, dev);
    throw new IpExit('Error: No link layer address given.\n', 2);
  }
  const mac = parseMac(lladdr);
  if (mac === undefined) {
    inet.showNeighbours(ctx.task, dev);
    throw new IpExit('Error: Invalid link address.\n', 2);
  }
  if (mode === 'replace') {
    const old = inet.showNeighbours(ctx.task, dev).find((n) => n.ip === dst);
    if (old !== undefined) inet.deleteNeighbour(ctx.task, dev, dst);
  }
  inet.addNeighbour(ctx.task, dev, dst, mac, state);
  return 0;
}

function settableNud(name: string): SettableNud {
  switch (name) {
    case 'permanent':
    case '0x80':
    case '128':
      return 'PERMANENT';
    case 'reachable':
    case '0x02':
    case '0x2':
    case '2':
      return 'REACHABLE';
    case 'stale':
    case '0x04':
    case '0x4':
    case '4':
      return 'STALE';
    default:
      // netstage's neighbour table takes only these three from userspace.
      throw new IpExit('RTNETLINK answers: Invalid argument\n', 2);
  }
}

/** `ip neigh show|flush [dev DEV] [PREFIX]` arguments. */
function parseFilter(words: readonly string[]): { dev: string | undefined; prefix: { addr: number; len: number } | undefined; all: boolean } {
  const args = new IpArgs(words);
  let dev: string | undefined;
  let prefix: { addr: number; len: number } | undefined;
  let all = false;
  while (!args.done) {
    const w = args.take();
    if (w === 'dev') dev = args.value();
    else if (w === 'nud') all = args.value() === 'all' || all;
    else if (w === 'all') all = true;
    else if (w === 'proxy' || w === 'unused') continue;
    else prefix = parseInetPrefix(w === 'to' ? args.value() : w, true);
  }
  return { dev, prefix, all };
}

function inPrefix(ip: number, prefix: { addr: number; len: number } | undefined): boolean {
  if (prefix === undefined || prefix.len === 0) return true;
  const mask = (0xffffffff << (32 - prefix.len)) >>> 0;
  return ((ip ^ prefix.addr) & mask) === 0;
}

/**
 * `ip neigh [show|list|add|replace|change|del|flush|help] ...`.
 *
 * @remarks
 * iproute2 6.1 `ip/ipneigh.c`. NOARP entries are left out of listings unless `nud all`
 * is asked for, as iproute2's default state filter does; `flush` removes every entry but
 * PERMANENT and NOARP ones; errors as captured on this machine (`RTNETLINK answers: File
 * exists`, transcript 4.C). Not modelled: `nud noarp|incomplete|delay|probe|failed|none`
 * from userspace (answered `RTNETLINK answers: Invalid argument`), proxy entries, the
 * `router` flag.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { ipNeigh, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * new LinkControl(kernel).add(kernel.initTask, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
 * const opts = { oneline: false, brief: false, stats: 0, details: false, family: undefined };
 * const table = new Map([['ip', (ctx: Parameters<typeof ipNeigh>[0]) => ipNeigh(ctx, ctx.argv.slice(2), opts)]]);
 * runArgv(table, kernel, ['ip', 'neigh', 'add', '10.0.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'v0']);
 * runArgv(table, kernel, ['ip', 'neigh']).stdout; // '10.0.0.2 dev v0 lladdr 02:00:00:00:00:02 PERMANENT \n'
 * ```
 */
export const ipNeigh: IpObjectCommand = (ctx, args, opts: IpOptions) =>
  finished(
    runIpBody(ctx.stderr, () => {
      const inet = new InetControl(ctx.kernel);
      const [cmd, ...rest] = args;
      if (cmd === undefined || ipMatches(cmd, 'list') || ipMatches(cmd, 'show') || cmd === 'lst') {
        const f = parseFilter(rest);
        const entries = inet
          .showNeighbours(ctx.task, f.dev)
          .filter((n) => (f.all || n.state !== 'NOARP') && inPrefix(n.ip, f.prefix));
        const lineOpts = { brief: opts.brief, omitDev: f.dev !== undefined };
        ctx.stdout.write(entries.map((n) => formatNeighLine(n, lineOpts)).join(''));
        return 0;
      }
      if (ipMatches(cmd, 'add')) return modify(ctx, inet, rest, 'add');
      if (ipMatches(cmd, 'change') || cmd === 'chg' || ipMatches(cmd, 'replace')) return modify(ctx, inet, rest, 'replace');
      if (ipMatches(cmd, 'delete')) return modify(ctx, inet, rest, 'del');
      if (ipMatches(cmd, 'flush')) {
        if (rest.length === 0) throw new IpExit('Flush requires arguments.\n', 1);
        const f = parseFilter(rest);
        if (f.prefix === undefined) inet.flushNeighbours(ctx.task, f.dev);
        else {
          for (const n of inet.showNeighbours(ctx.task, f.dev)) {
            if (n.state !== 'PERMANENT' && n.state !== 'NOARP' && inPrefix(n.ip, f.prefix)) inet.deleteNeighbour(ctx.task, n.dev.name, n.ip);
          }
        }
        return 0;
      }
      throw new IpExit(`Command "${cmd}" is unknown, try "ip neigh help".\n`, 255);
    }),
  );
