/**
 * `/proc/net/dev` and `/proc/net/dev_mcast`: formatters over the devices layer's device
 * list, counters and multicast lists.
 *
 * @module
 */

import { DEVICE_STAGES, netdev, procNetDevColumns, type NetDevice } from '@netstage/devices';
import type { ProcContext, ProcNetFileDef } from './vfs.js';

/** The two header lines of `/proc/net/dev` (`dev_seq_show` for `SEQ_START_TOKEN`). */
const DEV_HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';

/** Column widths of the sixteen counters (`%8llu %7llu %4llu …` in `dev_seq_printf_stats`). */
const DEV_WIDTHS = [8, 7, 4, 4, 4, 5, 10, 9, 8, 7, 4, 4, 4, 5, 7, 10] as const;

/** One device's row: the name right-aligned in six columns, a colon, the counters. */
function devRow(dev: NetDevice): string {
  const cols = procNetDevColumns(dev.getStats()).map((n, i) => String(n).padStart(DEV_WIDTHS[i] ?? 0));
  return `${dev.name.padStart(6)}:${cols.join(' ')}\n`;
}

/**
 * The text of `/proc/net/dev` for the namespace of `ctx`: two header lines, then one
 * line per device in ifindex order.
 *
 * @remarks
 * `dev_seq_show` and `dev_seq_printf_stats` in `net/core/net-procfs.c`. A name longer
 * than six characters pushes the row right, as `%6s` does.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procNetDev, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * procNetDev({ kernel, net: kernel.initNet }).split('\n')[2]?.startsWith('    lo:       0'); // true
 * ```
 */
export function procNetDev(ctx: ProcContext): string {
  let out = DEV_HEADER;
  for (const dev of netdev(ctx.kernel).devices(ctx.net)) out += devRow(dev);
  return out;
}

/**
 * The text of `/proc/net/dev_mcast` for the namespace of `ctx`: one line per entry of
 * each device's hardware multicast list — ifindex, name, users, global users, the
 * address in hex — devices in ifindex order, entries in join order. No header.
 *
 * @remarks
 * `dev_mc_seq_show` in `net/core/net-procfs.c` (`"%-4d %-15s %-5d %-5d %*phN\n"`). With
 * IPv6 disabled (netstage has no IPv6) an Ethernet device lists `333300000001` from its
 * registration and `01005e000001` while it is up; `lo` lists nothing (see
 * `MAC_IPV6_ALL_NODES` in `@netstage/devices`).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { LinkControl, devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procNetDevMcast, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * new LinkControl(kernel).add(kernel.initTask, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
 * procNetDevMcast({ kernel, net: kernel.initNet }); // '2    v1              1     0     333300000001\n3    v0 …'
 * ```
 */
export function procNetDevMcast(ctx: ProcContext): string {
  let out = '';
  for (const dev of netdev(ctx.kernel).devices(ctx.net)) {
    const prefix = `${String(dev.ifindex).padEnd(4)} ${dev.name.padEnd(15)} `;
    for (const e of dev.multicastList()) {
      out += `${prefix}${String(e.users).padEnd(5)} ${String(e.globalUse).padEnd(5)} ${e.address.toString(16).padStart(12, '0')}\n`;
    }
  }
  return out;
}

/**
 * `/proc/net/dev` and `/proc/net/dev_mcast`, registered by the procfs layer; they exist in
 * a namespace once it has its own device list (`dev-list-per-ns`).
 *
 * @remarks
 * `dev_proc_net_init` in `net/core/net-procfs.c` (both files per namespace since the 2007
 * series).
 *
 * @example
 * ```ts
 * import { deviceFiles } from '@netstage/procfs';
 * deviceFiles.map((f) => f.name); // ['dev', 'dev_mcast']
 * ```
 */
export const deviceFiles: readonly ProcNetFileDef[] = [
  { name: 'dev', stages: [DEVICE_STAGES.list], show: procNetDev },
  { name: 'dev_mcast', stages: [DEVICE_STAGES.list], show: procNetDevMcast },
];
