/**
 * How `ip` prints a link: the header lines that `ip link` and `ip addr` share, the brief
 * columns, the `-s` counter block and the `-d` details, as iproute2 6.1 prints them.
 *
 * @module
 */

import type { Kernel, Net } from '@netstage/core-net';
import { IFF, STAT, type LinkInfo } from '@netstage/devices';

/** Who is looking: the namespace a dump runs in decides `@ifN` and `link-netns`. */
export interface LinkView {
  /** The kernel (for the `/run/netns` names). */
  readonly kernel: Kernel;
  /** The namespace of the task running `ip` (the rtnetlink socket's namespace). */
  readonly observer: Net;
}

/** What `formatLinkHeader` is printing for. */
export interface LinkHeaderOptions {
  /** `'link'` prints `mode DEFAULT` before `group`; `'addr'` does not. */
  readonly object: 'link' | 'addr';
  /** `-d`: promiscuity, MTU bounds, the link kind and queue sizes. */
  readonly details?: boolean;
}

/** `IFF_*` names in the order iproute2's `print_link_flags` tests them. */
const FLAG_NAMES: readonly (readonly [number, string])[] = [
  [IFF.LOOPBACK, 'LOOPBACK'],
  [IFF.BROADCAST, 'BROADCAST'],
  [IFF.POINTOPOINT, 'POINTOPOINT'],
  [IFF.MULTICAST, 'MULTICAST'],
  [IFF.NOARP, 'NOARP'],
  [IFF.ALLMULTI, 'ALLMULTI'],
  [IFF.PROMISC, 'PROMISC'],
  [IFF.NOTRAILERS, 'NOTRAILERS'],
  [IFF.DEBUG, 'DEBUG'],
  [IFF.DYNAMIC, 'DYNAMIC'],
  [IFF.AUTOMEDIA, 'AUTOMEDIA'],
  [IFF.PORTSEL, 'PORTSEL'],
  [IFF.MASTER, 'MASTER'],
  [IFF.SLAVE, 'SLAVE'],
  [IFF.UP, 'UP'],
  [IFF.LOWER_UP, 'LOWER_UP'],
  [IFF.DORMANT, 'DORMANT'],
  [IFF.ECHO, 'ECHO'],
];

/**
 * A MAC address as `ip` prints it: six lower-case hex pairs.
 *
 * @example
 * ```ts
 * import { formatMac } from '@netstage/cli';
 * formatMac(0x02000000_0a01); // '02:00:00:00:0a:01'
 * ```
 */
export function formatMac(mac: number): string {
  const hex = mac.toString(16).padStart(12, '0');
  return hex.replace(/(..)(?!$)/g, '$1:');
}

/**
 * The `<…>` flag list: `NO-CARRIER` first for a device that is up but not running,
 * then the flag names, then `M-DOWN` when the veth peer in the same namespace is down.
 *
 * @remarks
 * iproute2 `ip/ipaddress.c` `print_link_flags`; `M-DOWN` comes from `IFLA_LINK` naming
 * a device of the same namespace that is not up.
 *
 * @example
 * ```ts
 * import { formatLinkFlags } from '@netstage/cli';
 * formatLinkFlags(0x1 | 0x8 | 0x40 | 0x10000, false); // '<LOOPBACK,UP,LOWER_UP>'
 * ```
 */
export function formatLinkFlags(flags: number, peerDown: boolean): string {
  const names: string[] = [];
  if ((flags & IFF.UP) !== 0 && (flags & IFF.RUNNING) === 0) names.push('NO-CARRIER');
  let rest = flags & ~IFF.RUNNING;
  for (const [bit, name] of FLAG_NAMES) {
    if ((rest & bit) !== 0) {
      names.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) names.push(rest.toString(16));
  if (peerDown) names.push('M-DOWN');
  return `<${names.join(',')}>`;
}

/**
 * The interface name as `ip` shows it: `veth0@veth1` when the peer is in the same
 * namespace, `veth0@if2` (the peer's ifindex in its own namespace) when it is not.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { linkDisplayName, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const links = new LinkControl(kernel);
 * links.add(kernel.initTask, { kind: 'veth', name: 'k0', peer: { name: 'k1' } });
 * const [info] = links.show(kernel.initTask, 'k0');
 * if (info) linkDisplayName(info, kernel.initNet); // 'k0@k1'
 * ```
 */
export function linkDisplayName(info: LinkInfo, observer: Net): string {
  const peer = info.peer;
  if (peer === undefined) return info.name;
  return peer.net === observer ? `${info.name}@${peer.name}` : `${info.name}@if${peer.ifindex}`;
}

/**
 * ` link-netns NAME` / ` link-netnsid N` for a device whose peer lives in another
 * namespace, `''` otherwise. Allocates the observer's nsid for that namespace on first
 * use, as the kernel does while filling the dump (`peernet2id_alloc`); the name is the
 * first `/run/netns` entry bound to that namespace.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { linkNetnsSuffix, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * kernel.netns.add('b');
 * const fd = kernel.netns.open('b', kernel.initTask);
 * const links = new LinkControl(kernel);
 * links.add(kernel.initTask, { kind: 'veth', name: 'v0', peer: { name: 'v1', netns: { fd } } });
 * kernel.initTask.close(fd);
 * const [info] = links.show(kernel.initTask, 'v0');
 * if (info) linkNetnsSuffix(info, { kernel, observer: kernel.initNet }); // ' link-netns b'
 * ```
 */
export function linkNetnsSuffix(info: LinkInfo, view: LinkView): string {
  const peer = info.peer;
  if (peer === undefined || peer.net === view.observer) return '';
  const id = view.observer.peerIdAlloc(peer.net);
  if (id < 0) return '';
  const name = view.kernel.netns.list().find((n) => view.kernel.netns.get(n) === peer.net);
  return name === undefined ? ` link-netnsid ${id}` : ` link-netns ${name}`;
}

/**
 * The two lines every device gets in `ip link` and `ip addr` (no trailing newline; the
 * second starts with four spaces). Join them with `'\n'`, or with `'\\'` for `-o`.
 *
 * ```text
 * 2: veth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000
 *     link/ether 02:00:00:00:0a:01 brd ff:ff:ff:ff:ff:ff link-netns rsch-b
 * ```
 *
 * With `details` the `-d` fields follow, and for a device with a kind (veth, dummy) a
 * third line.
 *
 * @remarks
 * iproute2 6.1 `ip/ipaddress.c` `print_linkinfo`; reference §4 A, B, D.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { formatLinkHeader, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const [lo] = new LinkControl(kernel).show(kernel.initTask, 'lo');
 * if (lo) formatLinkHeader(lo, { kernel, observer: kernel.initNet }, { object: 'addr' })[0];
 * // '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000'
 * ```
 */
export function formatLinkHeader(info: LinkInfo, view: LinkView, opts: LinkHeaderOptions): string[] {
  const peerDown = info.peer !== undefined && info.peer.net === view.observer && !info.peer.up;
  const mode = opts.object === 'link' ? 'mode DEFAULT ' : '';
  const first =
    `${info.ifindex}: ${linkDisplayName(info, view.observer)}: ${formatLinkFlags(info.flags, peerDown)} ` +
    `mtu ${info.mtu} qdisc ${info.qdisc} state ${info.operstate} ${mode}group default qlen ${info.txQueueLen}`;
  let second = `    link/${info.linkType} ${formatMac(info.address)} brd ${formatMac(info.broadcast)}${linkNetnsSuffix(info, view)}`;
  if (opts.details !== true) return [first, second];
  const [minMtu, maxMtu] = mtuBounds(info);
  second += ` promiscuity 0  allmulti 0 minmtu ${minMtu} maxmtu ${maxMtu} `;
  const queues = info.kind === 'veth' ? VETH_QUEUES : 1;
  const tail =
    `addrgenmode eui64 numtxqueues ${queues} numrxqueues ${queues} gso_max_size 65536 gso_max_segs 65535 ` +
    'tso_max_size 524280 tso_max_segs 65535 gro_max_size 65536 ';
  if (info.kind === 'veth' || info.kind === 'dummy') return [first, second, `    ${info.kind} ${tail}`];
  return [first, second + tail];
}

/**
 * veth makes one queue per possible CPU; the captures come from a two-CPU machine, so
 * netstage's machine has two.
 */
const VETH_QUEUES = 2;

/** `IFLA_MIN_MTU`/`IFLA_MAX_MTU` as the drivers report them (lo and dummy say 0, 0). */
function mtuBounds(info: LinkInfo): [number, number] {
  switch (info.kind) {
    case 'veth':
      return [68, 65535];
    case 'nic':
      return [68, 9000];
    default:
      return [0, 0];
  }
}

/**
 * The start of a `-br` line that `ip link` and `ip addr` share: the name (`%-16s`), a
 * space, the operational state (`%-14s`) and a space.
 *
 * @remarks
 * iproute2 6.1 `ip/ipaddress.c` `print_linkinfo` brief branch; reference §4 D
 * (`mv0peer@if5      LOWERLAYERDOWN 10.201.0.1/24 `).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl } from '@netstage/devices';
 * import { formatLinkBrief, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * const [lo] = new LinkControl(kernel).show(kernel.initTask, 'lo');
 * if (lo) formatLinkBrief(lo, kernel.initNet); // 'lo               DOWN           '
 * ```
 */
export function formatLinkBrief(info: LinkInfo, observer: Net): string {
  return `${linkDisplayName(info, observer).padEnd(16)} ${info.operstate.padEnd(14)} `;
}

/**
 * The `-s` block of `ip link` (lines without trailing newline): RX and TX counters, and
 * with `-s -s` the error breakdowns.
 *
 * @remarks
 * iproute2 6.1 `ip/ipaddress.c` `print_link_stats64` (column widths start at the header
 * words and grow with the numbers). `transns` (carrier changes) is not counted by
 * netstage's devices and prints 0.
 *
 * @example
 * ```ts
 * import { formatLinkStats } from '@netstage/cli';
 * formatLinkStats(new Float64Array(24), 1)[1]; // '             0       0      0       0       0       0 '
 * ```
 */
export function formatLinkStats(stats: Float64Array, level: number): string[] {
  const s = (i: number): number => stats[i] ?? 0;
  const rx = [s(STAT.rx_bytes), s(STAT.rx_packets), s(STAT.rx_errors), s(STAT.rx_dropped), s(STAT.rx_missed_errors), s(STAT.multicast)];
  const rxErr = [s(STAT.rx_length_errors), s(STAT.rx_crc_errors), s(STAT.rx_frame_errors), s(STAT.rx_fifo_errors), s(STAT.rx_over_errors)];
  const tx = [s(STAT.tx_bytes), s(STAT.tx_packets), s(STAT.tx_errors), s(STAT.tx_dropped), s(STAT.tx_carrier_errors), s(STAT.collisions)];
  const txErr = [s(STAT.tx_aborted_errors), s(STAT.tx_fifo_errors), s(STAT.tx_window_errors), s(STAT.tx_heartbeat_errors), 0];
  const out: string[] = [];
  const block = (dir: 'RX' | 'TX', main: number[], errs: number[], names: string[], errNames: string[]): void => {
    const widths = [10, 7, 6, 7, 7, 7, 10];
    const grow = (values: number[], from: number): void => {
      values.forEach((v, i) => {
        const k = i + from;
        widths[k] = Math.max(widths[k] ?? 0, String(v).length);
      });
    };
    grow(main, 0);
    if (level > 1) grow(errs, 1);
    const w = (i: number): number => widths[i] ?? 0;
    out.push(`    ${dir}: ${names.map((n, i) => n.padStart(i === 0 ? w(0) - 4 : w(i))).join(' ')} ${''.padStart(w(6))}`);
    out.push(`    ${main.map((v, i) => String(v).padStart(w(i))).join(' ')} `);
    if (level > 1) {
      out.push(`    ${dir} errors: ${errNames.map((n, i) => n.padStart(w(i + 1))).join(' ')}`);
      out.push(`    ${''.padStart(w(0))} ${errs.map((v, i) => String(v).padStart(w(i + 1))).join(' ')} `);
    }
  };
  block('RX', rx, rxErr, ['bytes', 'packets', 'errors', 'dropped', 'missed', 'mcast'], ['length', 'crc', 'frame', 'fifo', 'overrun']);
  block('TX', tx, txErr, ['bytes', 'packets', 'errors', 'dropped', 'carrier', 'collsns'], ['aborted', 'fifo', 'window', 'heartbt', 'transns']);
  return out;
}
