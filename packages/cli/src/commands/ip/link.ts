/**
 * `ip link`: add, delete, set and show devices through the devices layer's link control
 * surface, with iproute2 6.1's argument parsing, messages and exit statuses.
 *
 * @module
 */

import { NetError } from '@netstage/core-net';
import { IFF, LinkControl, type LinkAddRequest, type LinkInfo, type LinkSetRequest, type NetnsRef } from '@netstage/devices';
import type { Proc, ProcContext } from '../../shell/process.js';
import { finished } from '../../shell/process.js';
import { formatLinkBrief, formatLinkFlags, formatLinkHeader, formatLinkStats, formatMac } from './link-format.js';
import { ipMatches, type IpObjectCommand, type IpOptions } from './options.js';

/**
 * `ip link help`: iproute2 6.1's usage text (standard error, status 255).
 *
 * @example
 * ```ts
 * import { IP_LINK_USAGE } from '@netstage/cli';
 * IP_LINK_USAGE.startsWith('Usage: ip link add'); // true
 * ```
 */
export const IP_LINK_USAGE = [
  'Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME',
  '\t\t    [ txqueuelen PACKETS ]',
  '\t\t    [ address LLADDR ]',
  '\t\t    [ broadcast LLADDR ]',
  '\t\t    [ mtu MTU ] [index IDX ]',
  '\t\t    [ numtxqueues QUEUE_COUNT ]',
  '\t\t    [ numrxqueues QUEUE_COUNT ]',
  '\t\t    [ netns { PID | NAME } ]',
  '\t\t    type TYPE [ ARGS ]',
  '',
  '\tip link delete { DEVICE | dev DEVICE | group DEVGROUP } type TYPE [ ARGS ]',
  '',
  '\tip link set { DEVICE | dev DEVICE | group DEVGROUP }',
  '\t\t\t[ { up | down } ]',
  '\t\t\t[ type TYPE ARGS ]',
  '\t\t[ arp { on | off } ]',
  '\t\t[ dynamic { on | off } ]',
  '\t\t[ multicast { on | off } ]',
  '\t\t[ allmulticast { on | off } ]',
  '\t\t[ promisc { on | off } ]',
  '\t\t[ trailers { on | off } ]',
  '\t\t[ carrier { on | off } ]',
  '\t\t[ txqueuelen PACKETS ]',
  '\t\t[ name NEWNAME ]',
  '\t\t[ address LLADDR ]',
  '\t\t[ broadcast LLADDR ]',
  '\t\t[ mtu MTU ]',
  '\t\t[ netns { PID | NAME } ]',
  '\t\t[ link-netns NAME | link-netnsid ID ]',
  '\t\t[ alias NAME ]',
  '\t\t[ vf NUM [ mac LLADDR ]',
  '\t\t\t [ vlan VLANID [ qos VLAN-QOS ] [ proto VLAN-PROTO ] ]',
  '\t\t\t [ rate TXRATE ]',
  '\t\t\t [ max_tx_rate TXRATE ]',
  '\t\t\t [ min_tx_rate TXRATE ]',
  '\t\t\t [ spoofchk { on | off} ]',
  '\t\t\t [ query_rss { on | off} ]',
  '\t\t\t [ state { auto | enable | disable} ]',
  '\t\t\t [ trust { on | off} ]',
  '\t\t\t [ node_guid EUI64 ]',
  '\t\t\t [ port_guid EUI64 ] ]',
  '\t\t[ { xdp | xdpgeneric | xdpdrv | xdpoffload } { off |',
  '\t\t\t  object FILE [ { section | program } NAME ] [ verbose ] |',
  '\t\t\t  pinned FILE } ]',
  '\t\t[ master DEVICE ][ vrf NAME ]',
  '\t\t[ nomaster ]',
  '\t\t[ addrgenmode { eui64 | none | stable_secret | random } ]',
  '\t\t[ protodown { on | off } ]',
  '\t\t[ protodown_reason PREASON { on | off } ]',
  '\t\t[ gso_max_size BYTES ] | [ gso_max_segs PACKETS ]',
  '\t\t[ gro_max_size BYTES ]',
  '',
  '\tip link show [ DEVICE | group GROUP ] [up] [master DEV] [vrf NAME] [type TYPE]',
  '\t\t[nomaster]',
  '',
  '\tip link xstats type TYPE [ ARGS ]',
  '',
  '\tip link afstats [ dev DEVICE ]',
  '\tip link property add dev DEVICE [ altname NAME .. ]',
  '\tip link property del dev DEVICE [ altname NAME .. ]',
  '',
  '\tip link help [ TYPE ]',
  '',
  'TYPE := { amt | bareudp | bond | bond_slave | bridge | bridge_slave |',
  '          dsa | dummy | erspan | geneve | gre | gretap | gtp | ifb |',
  '          ip6erspan | ip6gre | ip6gretap | ip6tnl |',
  '          ipip | ipoib | ipvlan | ipvtap |',
  '          macsec | macvlan | macvtap |',
  '          netdevsim | nlmon | rmnet | sit | team | team_slave |',
  '          vcan | veth | vlan | vrf | vti | vxcan | vxlan | wwan |',
  '          xfrm | virt_wifi }',
  '',
].join('\n');

/** A usage or argument error: the message (with its newlines) and the exit status. */
class IpUsageError {
  constructor(
    readonly text: string,
    readonly status: number,
  ) {}
}

const INCOMPLETE = new IpUsageError('Command line is not complete. Try option "help"\n', 255);

/** iproute2 `invarg()`: `Error: argument "ARG" is wrong: MSG`. */
function invarg(msg: string, arg: string): IpUsageError {
  return new IpUsageError(`Error: argument "${arg}" is wrong: ${msg}\n`, 255);
}

/** iproute2 `duparg2()`. */
function duparg2(key: string, arg: string): IpUsageError {
  return new IpUsageError(`Error: either "${key}" is duplicate, or "${arg}" is a garbage.\n`, 255);
}

/** What `iplink_parse` collected for one device (the main one or a veth peer). */
interface LinkArgs {
  dev?: string;
  name?: string;
  up?: boolean;
  mtu?: number;
  address?: number;
  netns?: string;
  type?: string;
  peer?: LinkArgs;
}

/** `check_ifname`: 1–15 bytes, no `/`, `:` or white space. */
function validIfname(name: string, max: number): boolean {
  return name.length > 0 && new TextEncoder().encode(name).length <= max && !/[/:\s]/.test(name);
}

/** `get_integer(…, 0)`: a C `int` in decimal, `0x` hex or `0` octal. */
function parseInteger(text: string): number | undefined {
  let m: RegExpMatchArray | null;
  let v: number;
  if ((m = /^([+-]?)0[xX]([0-9a-fA-F]+)$/.exec(text)) !== null) v = parseInt(m[2] ?? '', 16) * (m[1] === '-' ? -1 : 1);
  else if ((m = /^([+-]?)0([0-7]*)$/.exec(text)) !== null) v = (m[2] === '' ? 0 : parseInt(m[2] ?? '', 8)) * (m[1] === '-' ? -1 : 1);
  else if (/^[+-]?[1-9][0-9]*$/.test(text)) v = parseInt(text, 10);
  else return undefined;
  return v >= -0x80000000 && v <= 0x7fffffff ? v : undefined;
}

/** `ll_addr_a2n` for Ethernet: six hex octets separated by `:`. */
function parseMac(text: string): number | undefined {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return undefined;
  return parts.reduce((acc, p) => acc * 256 + parseInt(p, 16), 0);
}

/** iproute2 `iplink_parse`: the words of `ip link add|set` (and of a veth `peer`). */
function parseLinkArgs(words: readonly string[]): LinkArgs {
  const a: LinkArgs = {};
  let i = 0;
  const next = (): string => {
    const w = words[++i];
    if (w === undefined) throw INCOMPLETE;
    return w;
  };
  for (; i < words.length; i++) {
    const w = words[i] as string;
    if (w === 'up') a.up = true;
    else if (w === 'down') a.up = false;
    else if (w === 'name') {
      const n = next();
      if (!validIfname(n, 15)) throw new IpUsageError(`Error: argument "${n}" is wrong: "name" not a valid ifname\n`, 255);
      a.name = n;
    } else if (ipMatches(w, 'address')) {
      const text = next();
      const mac = parseMac(text);
      if (mac === undefined) throw new IpUsageError(`"${text}" is invalid lladdr.\n`, 1);
      a.address = mac;
    } else if (ipMatches(w, 'mtu')) {
      const text = next();
      const mtu = parseInteger(text);
      if (mtu === undefined) throw invarg('Invalid "mtu" value\n', text);
      a.mtu = mtu;
    } else if (w === 'netns') {
      a.netns = next();
    } else if (ipMatches(w, 'type')) {
      a.type = next();
      const rest = words.slice(i + 1);
      if (a.type === 'veth' && rest.length > 0) {
        if (rest[0] !== 'peer') {
          throw new IpUsageError("Usage: ip link <options> type veth [peer <options>]\nTo get <options> type 'ip link add help'\n", 255);
        }
        a.peer = parseLinkArgs(rest.slice(1));
      } else if (rest.length > 0) {
        throw duparg2('dev', rest[0] as string);
      }
      break;
    } else {
      let dev = w;
      if (w === 'dev') dev = next();
      else if (ipMatches(w, 'help')) throw new IpUsageError(IP_LINK_USAGE, 255);
      if (a.dev !== undefined) throw duparg2('dev', dev);
      if (!validIfname(dev, 127)) throw invarg('"dev" not a valid ifname', dev);
      a.dev = dev;
    }
  }
  return a;
}

/**
 * `ip link …`: `add`, `set`/`change`, `delete`, `show`/`list`/`lst`, `help`; no command
 * is `show`.
 *
 * @remarks
 * iproute2 6.1 `ip/iplink.c` (`do_iplink`, `iplink_parse`, `iplink_modify`),
 * `ip/link_veth.c`, `ip/ipaddress.c` (`ipaddr_list_link`); reference §3.3, §4 B–D, §5.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageCommands, netstageLayers, runArgv } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * runArgv(netstageCommands(), kernel, ['ip', 'link', 'del', 'lo']).stderr;
 * // 'RTNETLINK answers: Operation not supported\n'
 * ```
 */
export const ipLink: IpObjectCommand = (ctx, args, opts) => {
  const [cmd, ...rest] = args;
  try {
    if (cmd === undefined) return finished(showLinks(ctx, [], opts));
    if (ipMatches(cmd, 'add')) return finished(addLink(ctx, rest));
    if (ipMatches(cmd, 'set') || ipMatches(cmd, 'change')) return finished(setLink(ctx, rest));
    if (ipMatches(cmd, 'delete')) return finished(deleteLink(ctx, rest));
    if (ipMatches(cmd, 'show') || ipMatches(cmd, 'lst') || ipMatches(cmd, 'list')) return finished(showLinks(ctx, rest, opts));
    if (ipMatches(cmd, 'help')) throw new IpUsageError(IP_LINK_USAGE, 255);
    throw new IpUsageError(`Command "${cmd}" is unknown, try "ip link help".\n`, 255);
  } catch (err) {
    return reportError(ctx, err);
  }
};

/** Print a usage error or a kernel error as `ip` does; anything else is a bug. */
function reportError(ctx: ProcContext, err: unknown): Proc {
  if (err instanceof IpUsageError) {
    ctx.stderr.write(err.text);
    return finished(err.status);
  }
  if (err instanceof NetError) {
    if (err.code === 'ENODEV' && err.detail !== undefined) {
      ctx.stderr.write(`${err.detail}\n`);
      return finished(1);
    }
    ctx.stderr.write(err.extack !== undefined ? `Error: ${err.extack}.\n` : `RTNETLINK answers: ${err.strerror}\n`);
    return finished(2);
  }
  throw err;
}

/**
 * Resolve `netns NAME|PID` as iproute2 does: a `/run/netns` name opened in the calling
 * task, else a pid. Returns the reference and what to close afterwards.
 */
function netnsRef(ctx: ProcContext, text: string, fds: number[]): NetnsRef {
  try {
    const fd = ctx.kernel.netns.open(text, ctx.task);
    fds.push(fd);
    return { fd };
  } catch (err) {
    if (!(err instanceof NetError)) throw err;
    const pid = parseInteger(text);
    if (pid === undefined) throw invarg('Invalid "netns" value\n', text);
    return { pid };
  }
}

/** Run `body` with the namespace descriptors it opened closed afterwards. */
function withFds<T>(ctx: ProcContext, body: (fds: number[]) => T): T {
  const fds: number[] = [];
  try {
    return body(fds);
  } finally {
    for (const fd of fds) ctx.task.close(fd);
  }
}

function addLink(ctx: ProcContext, words: readonly string[]): number {
  const a = parseLinkArgs(words);
  const name = a.name ?? a.dev;
  if (a.type === undefined) throw new IpUsageError('Not enough information: "type" argument is required\n', 1);
  if (a.type !== 'veth' && a.type !== 'dummy') throw new NetError('EINVAL', { extack: 'Unknown device type' });
  const kind = a.type;
  const links = new LinkControl(ctx.kernel);
  return withFds(ctx, (fds) => {
    const netns = a.netns === undefined ? undefined : netnsRef(ctx, a.netns, fds);
    const p = a.peer;
    const peerNetns = p?.netns === undefined ? undefined : netnsRef(ctx, p.netns, fds);
    const peerName = p?.name ?? p?.dev;
    const req: LinkAddRequest = {
      kind,
      ...(name !== undefined && { name }),
      ...(a.address !== undefined && { address: a.address }),
      ...(a.mtu !== undefined && { mtu: a.mtu }),
      ...(netns !== undefined && { netns }),
      ...(kind === 'veth' &&
        p !== undefined && {
          peer: {
            ...(peerName !== undefined && { name: peerName }),
            ...(p.address !== undefined && { address: p.address }),
            ...(p.mtu !== undefined && { mtu: p.mtu }),
            ...(peerNetns !== undefined && { netns: peerNetns }),
          },
        }),
    };
    const info = links.add(ctx.task, req);
    if (a.up === true && netns === undefined) links.set(ctx.task, info.name, { up: true });
    if (info.peer !== undefined && info.peer.net !== ctx.task.net && netns === undefined) {
      // The RTM_NEWLINK notification for the new device names its peer's namespace:
      // the kernel allocates this namespace's id for it then (peernet2id_alloc).
      ctx.task.net.peerIdAlloc(info.peer.net);
    }
    return 0;
  });
}

function setLink(ctx: ProcContext, words: readonly string[]): number {
  const a = parseLinkArgs(words);
  if (a.dev === undefined) throw new IpUsageError('Not enough information: "dev" argument is required.\n', 255);
  const dev = a.dev;
  const links = new LinkControl(ctx.kernel);
  return withFds(ctx, (fds) => {
    const netns = a.netns === undefined ? undefined : netnsRef(ctx, a.netns, fds);
    const req: LinkSetRequest = {
      ...(a.up !== undefined && { up: a.up }),
      ...(a.mtu !== undefined && { mtu: a.mtu }),
      ...(a.address !== undefined && { address: a.address }),
      ...(a.name !== undefined && { name: a.name }),
      ...(netns !== undefined && { netns }),
    };
    links.set(ctx.task, dev, req);
    return 0;
  });
}

function deleteLink(ctx: ProcContext, words: readonly string[]): number {
  const a = parseLinkArgs(words);
  const dev = a.dev ?? a.name;
  if (dev === undefined) throw new IpUsageError('Not enough information: "dev" argument is required.\n', 255);
  new LinkControl(ctx.kernel).del(ctx.task, dev);
  return 0;
}

/** `ip link show [[dev] DEV] [up]`. */
function showLinks(ctx: ProcContext, words: readonly string[], opts: IpOptions): number {
  let dev: string | undefined;
  let upOnly = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === 'up') upOnly = true;
    else if (w === 'group' || w === 'master' || w === 'vrf' || w === 'type') {
      if (words[++i] === undefined) throw INCOMPLETE;
    } else if (w === 'nomaster') continue;
    else {
      let name = w;
      if (w === 'dev') {
        const n = words[++i];
        if (n === undefined) throw INCOMPLETE;
        name = n;
      } else if (ipMatches(w, 'help')) throw new IpUsageError(IP_LINK_USAGE, 255);
      if (dev !== undefined) throw duparg2('dev', name);
      dev = name;
    }
  }
  const links = new LinkControl(ctx.kernel);
  let infos: LinkInfo[];
  try {
    infos = links.show(ctx.task, dev);
  } catch (err) {
    if (err instanceof NetError && err.code === 'ENODEV' && dev !== undefined) {
      ctx.stderr.write(`Device "${dev}" does not exist.\n`);
      return 1;
    }
    if (err instanceof NetError && dev === undefined) {
      ctx.stderr.write(`Cannot send dump request: ${err.strerror}\n`);
      return 1;
    }
    throw err;
  }
  const view = { kernel: ctx.kernel, observer: ctx.task.net };
  for (const info of infos) {
    if (upOnly && (info.flags & IFF.UP) === 0) continue;
    ctx.stdout.write(formatLinkRecord(info, view, opts));
  }
  return 0;
}

/**
 * One device as `ip link show` prints it under the given global options, newline
 * included: the brief row, or the header lines plus `-d` details and the `-s` block,
 * joined by `\\` under `-o`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { formatLinkRecord, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const [lo] = new LinkControl(kernel).show(kernel.initTask, 'lo');
 * const opts = { oneline: false, brief: true, stats: 0, details: false, family: undefined };
 * if (lo) formatLinkRecord(lo, { kernel, observer: kernel.initNet }, opts);
 * // 'lo               DOWN           00:00:00:00:00:00 <LOOPBACK> \n'
 * ```
 */
export function formatLinkRecord(info: LinkInfo, view: { readonly kernel: ProcContext['kernel']; readonly observer: ProcContext['task']['net'] }, opts: IpOptions): string {
  if (opts.brief) {
    const peerDown = info.peer !== undefined && info.peer.net === view.observer && !info.peer.up;
    return `${formatLinkBrief(info, view.observer)}${formatMac(info.address)} ${formatLinkFlags(info.flags, peerDown)} \n`;
  }
  const lines = formatLinkHeader(info, view, { object: 'link', details: opts.details });
  if (opts.stats > 0) lines.push(...formatLinkStats(info.stats, opts.stats));
  return `${lines.join(opts.oneline ? '\\' : '\n')}\n`;
}
