/**
 * `ip address`: list, add, replace, delete and flush the IPv4 addresses of the caller's
 * namespace over {@link @netstage/ipv4!InetControl}, with the per-device header lines
 * of `ip link` (`link-format.ts`).
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { IFF, linkInfo, netdev, type LinkInfo } from '@netstage/devices';
import { InetControl, ipv4ToString, type AddrSpec, type IfAddr } from '@netstage/ipv4';
import type { ProcContext } from '../../shell/process.js';
import { finished } from '../../shell/process.js';
import { IpArgs, IpExit, parseInetAddress, parseInetPrefix, parseScope, runIpBody, scopeName } from './inet-args.js';
import { formatLinkBrief, formatLinkHeader, linkNetnsSuffix, type LinkView } from './link-format.js';
import { ipMatches, type IpObjectCommand, type IpOptions } from './options.js';

/** `ip address help` (iproute2 6.1, as printed on this machine). */
const ADDR_USAGE = `Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       ip address del IFADDR dev IFNAME [mngtmpaddr]
       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ nomaster ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] [ vrf NAME ] ]
       ip address {showdump|restore}
IFADDR := PREFIX | ADDR peer PREFIX
          [ broadcast ADDR ] [ anycast ADDR ]
          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]
SCOPE-ID := [ host | link | global | NUMBER ]
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ permanent | dynamic | secondary | primary |
           [-]tentative | [-]deprecated | [-]dadfailed | temporary |
           CONFFLAG-LIST ]
CONFFLAG-LIST := [ CONFFLAG-LIST ] CONFFLAG
CONFFLAG  := [ home | nodad | mngtmpaddr | noprefixroute | autojoin ]
LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]
LFT := forever | SECONDS
TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |
          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |
          ip6erspan | ip6gre | ip6gretap | ip6tnl |
          ipip | ipoib | ipvlan | ipvtap |
          macsec | macvlan | macvtap |
          netdevsim | nlmon | rmnet | sit | team | team_slave |
          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |
          xfrm | virt_wifi }
`;

/** What follows every address line: netstage's addresses never expire. */
const LIFETIMES = '       valid_lft forever preferred_lft forever';

/** iproute2's warning for `ip addr del ADDR` without `/LEN` (`ipaddr_modify`). */
function wildcardWarning(addr: string): string {
  return (
    'Warning: Executing wildcard deletion to stay compatible with old scripts.\n' +
    `         Explicitly specify the prefix length (${addr}/32) to avoid this warning.\n` +
    '         This special behaviour is likely to disappear in further releases,\n' +
    '         fix your scripts!\n'
  );
}

/**
 * The `inet` line of one address (no newline):
 * `    inet A/L [brd B ]scope S [secondary ]LABEL`.
 *
 * @remarks
 * iproute2 6.1 `ip/ipaddress.c` `print_addrinfo`; transcripts 4.A and 4.B
 * (`    inet 10.200.0.1/24 scope global veth0`).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { InetControl } from '@netstage/ipv4';
 * import { formatInetLine, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * new LinkControl(kernel).set(kernel.initTask, 'lo', { up: true });
 * const [lo] = new InetControl(kernel).showAddresses(kernel.initTask, 'lo');
 * if (lo?.addrs[0]) formatInetLine(lo.addrs[0]); // '    inet 127.0.0.1/8 scope host lo'
 * ```
 */
export function formatInetLine(a: IfAddr): string {
  const brd = a.broadcast !== 0 ? `brd ${ipv4ToString(a.broadcast)} ` : '';
  const secondary = a.secondary ? 'secondary ' : '';
  return `    inet ${ipv4ToString(a.local)}/${a.prefixLen} ${brd}scope ${scopeName(a.scope)} ${secondary}${a.label}`;
}

/** What `ip addr show|flush` selects (`ipaddr_list_flush_or_save`). */
interface AddrFilter {
  dev: string | undefined;
  up: boolean;
  label: string | undefined;
  scope: number | undefined;
  prefix: { addr: number; len: number } | undefined;
  primary: boolean | undefined;
}

function parseFilter(words: readonly string[]): AddrFilter {
  const args = new IpArgs(words);
  const f: AddrFilter = { dev: undefined, up: false, label: undefined, scope: undefined, prefix: undefined, primary: undefined };
  while (!args.done) {
    const w = args.take();
    if (w === 'up') f.up = true;
    else if (w === 'label') f.label = args.value();
    else if (w === 'scope') {
      const v = args.value();
      const s = parseScope(v);
      if (s === undefined) throw new IpExit(`Error: argument "${v}" is wrong: invalid "scope"\n`, 255);
      f.scope = s;
    } else if (w === 'to') f.prefix = parseInetPrefix(args.value());
    else if (w === 'primary') f.primary = true;
    else if (w === 'secondary') f.primary = false;
    else if (w === 'permanent' || w === 'dynamic') continue;
    else {
      const name = w === 'dev' ? args.value() : w;
      if (f.dev !== undefined) throw new IpExit(`Error: either "dev" is duplicate, or "${name}" is a garbage.\n`, 255);
      f.dev = name;
    }
  }
  return f;
}

/** Whether the filter asks about addresses (then devices without a match are left out). */
function filtersAddresses(f: AddrFilter): boolean {
  return f.label !== undefined || f.scope !== undefined || f.prefix !== undefined || f.primary !== undefined;
}

function addrSelected(a: IfAddr, f: AddrFilter): boolean {
  if (f.label !== undefined && a.label !== f.label) return false;
  if (f.scope !== undefined && a.scope !== f.scope) return false;
  if (f.primary !== undefined && a.secondary === f.primary) return false;
  if (f.prefix !== undefined) {
    const len = f.prefix.len;
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if (a.prefixLen < len || ((a.local ^ f.prefix.addr) & mask) !== 0) return false;
  }
  return true;
}

function checkShowDevice(ctx: ProcContext, name: string | undefined): void {
  if (name !== undefined && netdev(ctx.kernel).byName(ctx.task.net, name) === undefined) {
    throw new IpExit(`Device "${name}" does not exist.\n`, 1);
  }
}

/** The devices and addresses a show or flush covers. */
function collect(ctx: ProcContext, inet: InetControl, f: AddrFilter): { info: LinkInfo; addrs: IfAddr[] }[] {
  return inet
    .showAddresses(ctx.task, f.dev)
    .map(({ dev, addrs }) => ({ info: linkInfo(dev), addrs: addrs.filter((a) => addrSelected(a, f)) }))
    .filter(({ info }) => !f.up || (info.flags & IFF.UP) !== 0);
}

function show(ctx: ProcContext, inet: InetControl, words: readonly string[], opts: IpOptions): number {
  const f = parseFilter(words);
  checkShowDevice(ctx, f.dev);
  const view: LinkView = { kernel: ctx.kernel, observer: ctx.task.net };
  const linkOnly = opts.family === 'link';
  const byAddress = filtersAddresses(f) || opts.family === 'inet';
  let out = '';
  for (const { info, addrs: all } of collect(ctx, inet, f)) {
    const addrs = linkOnly ? [] : all;
    if (byAddress && addrs.length === 0) continue;
    if (opts.brief) {
      out += `${formatLinkBrief(info, view.observer)}${addrs.map((a) => `${ipv4ToString(a.local)}/${a.prefixLen} `).join('')}\n`;
      continue;
    }
    if (opts.oneline) {
      if (linkOnly) out += `${formatLinkHeader(info, view, { object: 'addr' }).join('\\')}\n`;
      for (const a of addrs) out += `${info.ifindex}: ${info.name}${formatInetLine(a)}\\${LIFETIMES}\n`;
      continue;
    }
    // An address filter prints the matching lines alone (iproute2 6.1 with `label`).
    if (f.label === undefined) {
      const header = formatLinkHeader(info, view, { object: 'addr', details: opts.details });
      out += opts.family === 'inet' ? `${header[0] ?? ''}${linkNetnsSuffix(info, view)}\n` : `${header.join('\n')}\n`;
    }
    for (const a of addrs) out += `${formatInetLine(a)}\n${LIFETIMES}\n`;
  }
  ctx.stdout.write(out);
  return 0;
}

function flush(ctx: ProcContext, inet: InetControl, words: readonly string[]): number {
  if (words.length === 0) throw new IpExit('Flush requires arguments.\n', 1);
  const f = parseFilter(words);
  checkShowDevice(ctx, f.dev);
  for (;;) {
    // Deleting a primary can take its secondaries along: look again after each one.
    const next = collect(ctx, inet, f).find(({ addrs }) => addrs.length > 0);
    const a = next?.addrs[0];
    if (next === undefined || a === undefined) return 0;
    inet.deleteAddress(ctx.task, next.info.name, a.local, a.prefixLen);
  }
}

/** `ip addr add|replace|change|del IFADDR dev IFNAME` (`ipaddr_modify`). */
function modify(ctx: ProcContext, inet: InetControl, words: readonly string[], mode: 'add' | 'replace' | 'del'): number {
  const args = new IpArgs(words);
  let local: { addr: number; len: number; hasLen: boolean } | undefined;
  let text = '';
  let brd: string | undefined;
  let scope: number | undefined;
  let label: string | undefined;
  let dev: string | undefined;
  while (!args.done) {
    const w = args.take();
    if (w === 'broadcast' || w === 'brd') {
      brd = args.value();
      if (brd !== '+' && brd !== '-') parseInetAddress(brd);
    } else if (w === 'scope') {
      const v = args.value();
      scope = parseScope(v);
      if (scope === undefined) throw new IpExit(`Error: argument "${v}" is wrong: invalid scope value.\n`, 255);
    } else if (w === 'dev') dev = args.value();
    else if (w === 'label') label = args.value();
    else if (w === 'valid_lft' || w === 'preferred_lft' || w === 'metric' || w === 'priority') args.value();
    else if (w === 'noprefixroute' || w === 'nodad' || w === 'home' || w === 'mngtmpaddr' || w === 'autojoin') continue;
    else {
      const word = w === 'local' ? args.value() : w;
      if (local !== undefined) throw new IpExit(`Error: either "local" is duplicate, or "${word}" is a garbage.\n`, 255);
      text = word;
      local = parseInetPrefix(word);
    }
  }
  if (dev === undefined) throw new IpExit('Not enough information: "dev" argument is required.\n', 1);
  if (netdev(ctx.kernel).byName(ctx.task.net, dev) === undefined) throw new IpExit(`Cannot find device "${dev}"\n`, 1);
  if (local === undefined) throw new IpExit('RTNETLINK answers: Operation not supported\n', 2);
  if (mode === 'del') {
    if (!local.hasLen) ctx.stderr.write(wildcardWarning(text));
    inet.deleteAddress(ctx.task, dev, local.addr, local.len);
    return 0;
  }
  const mask = local.len === 0 ? 0 : (0xffffffff << (32 - local.len)) >>> 0;
  let broadcast: number | undefined;
  if (brd === '+') broadcast = local.len < 31 ? (local.addr | ~mask) >>> 0 : undefined;
  else if (brd === '-') broadcast = local.len < 31 ? (local.addr & mask) >>> 0 : undefined;
  else if (brd !== undefined) broadcast = parseInetAddress(brd);
  const spec: AddrSpec = {
    local: local.addr,
    prefixLen: local.len,
    ...(broadcast === undefined ? {} : { broadcast }),
    ...(scope === undefined ? {} : { scope }),
    ...(label === undefined ? {} : { label }),
  };
  try {
    inet.addAddress(ctx.task, dev, spec);
  } catch (err) {
    // `replace` of an address that is there already leaves it as it is.
    if (!(mode === 'replace' && err instanceof NetError && err.code === 'EEXIST')) throw err;
  }
  return 0;
}

/**
 * `ip address [show|list|add|replace|change|del|flush|help] ...` (`ip a`, `ip addr`).
 *
 * @remarks
 * iproute2 6.1 `ip/ipaddress.c`. Listings as transcripts 4.A, 4.B and 4.D show them
 * (normal, `-o`, `-br`, `-4`); errors with iproute2's texts and statuses
 * (`Error: ipv4: Address already assigned.` 2, `Error: any valid prefix is expected
 * rather than "10.200.0.9/33".` 1, `Error: ipv4: Address not found.` 2, transcript
 * 4.C). Lifetimes are always `forever`; `peer`, `anycast` and IPv6 are not modelled.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { ipAddr, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * new LinkControl(kernel).set(kernel.initTask, 'lo', { up: true });
 * const opts = { oneline: false, brief: true, stats: 0, details: false, family: undefined };
 * const table = new Map([['ip', (ctx: Parameters<typeof ipAddr>[0]) => ipAddr(ctx, ctx.argv.slice(2), opts)]]);
 * runArgv(table, kernel, ['ip', 'addr']).stdout; // 'lo               UNKNOWN        127.0.0.1/8 \n'
 * ```
 */
export const ipAddr: IpObjectCommand = (ctx, args, opts) =>
  finished(
    runIpBody(ctx.stderr, () => {
      const inet = new InetControl(ctx.kernel);
      const [cmd, ...rest] = args;
      if (cmd === undefined) return show(ctx, inet, [], opts);
      if (ipMatches(cmd, 'add')) return modify(ctx, inet, rest, 'add');
      if (ipMatches(cmd, 'change') || cmd === 'chg' || ipMatches(cmd, 'replace')) return modify(ctx, inet, rest, 'replace');
      if (ipMatches(cmd, 'delete')) return modify(ctx, inet, rest, 'del');
      if (ipMatches(cmd, 'list') || ipMatches(cmd, 'show') || cmd === 'lst') return show(ctx, inet, rest, opts);
      if (ipMatches(cmd, 'flush')) return flush(ctx, inet, rest);
      if (ipMatches(cmd, 'help')) throw new IpExit(ADDR_USAGE, 255);
      throw new IpExit(`Command "${cmd}" is unknown, try "ip address help".\n`, 255);
    }),
  );
