/**
 * # @netstage/procfs — the virtual files of each namespace
 *
 * User space learns most of what a network stack holds by reading files: `/proc/net/dev`
 * for device counters, `/proc/net/route` and `/proc/net/arp` for the tables,
 * `/proc/net/udp` and friends for sockets, `/proc/net/snmp` for the MIB counters, and
 * `/proc/sys/net` for the settings. In Linux each of these shows the namespace of the
 * task that **opened** it, and keeps showing it after the task moves (`seq_open_net()`
 * takes a reference to the net). This package is that surface.
 *
 * ## What it owns
 *
 * - A small virtual filesystem at `/proc` ({@link ProcFs}): `open`, `read`, `write`,
 *   `readdir`, `readlink`, `stat` for a {@link @netstage/core-net!Task}. An open file
 *   ({@link ProcFile}) sits on the task's descriptor table and holds a counted reference
 *   to its namespace. `/proc/net` is the link `self/net`, `/proc/self` the caller's pid,
 *   `/proc/PID/net` another process's namespace, `/proc/sys/net` the sysctl tree.
 * - The `/proc/net` files, each a **pure formatter** over the lower layers' read
 *   interfaces and counters, byte for byte in Linux 6.x's format (header lines, column
 *   widths, the 127/149-character padding, hex byte order). Where Linux prints a kernel
 *   pointer or an inode, netstage prints stable numbers derived from the object
 *   ({@link kernelPointer}), so two runs print the same bytes.
 * - The `/proc/sys/net` keys netstage models, parsed with Linux's rules
 *   (`proc_dointvec_minmax` and friends: a bad value is EINVAL and changes nothing), and
 *   a `sysctl` entry point with procps' output and messages.
 *
 * ## What it never does
 *
 * It keeps no network state: every value it shows or writes lives in devices, ipv4 or
 * sockets. It imports every layer below it and nothing imports it but the command line.
 *
 * ## Stages
 *
 * In 2007 (patch 07 of the core series, `457c4cbc`) `/proc/net` became a directory per
 * namespace, but all 84 callers registered their files for `init_net` only: a new
 * namespace saw an empty `/proc/net` until each file's code was converted. v2.6.25 added
 * per-namespace sysctl tables and made `/proc/net` a link to `/proc/self/net`; the files
 * followed one by one (route and raw in v2.6.25; tcp, udp, arp and sockstat in v2.6.26;
 * snmp and netstat in v2.6.27). {@link procfsStages} mirrors that: while a file's stage is
 * off a non-initial namespace gets ENOENT for it, counted against the stage, and each
 * per-file stage requires the lower stage that made its data per namespace, so no row of
 * one namespace ever appears in another's files.
 *
 * ## Linux files mirrored
 *
 * `fs/proc/proc_net.c`, `fs/proc/self.c`, `fs/proc/proc_sysctl.c`, `net/sysctl_net.c`,
 * `net/core/net-procfs.c` (dev, dev_mcast), `net/ipv4/fib_trie.c` (route), `net/ipv4/arp.c`,
 * `net/ipv4/proc.c` (snmp, netstat, sockstat), `net/ipv4/udp.c`, `net/ipv4/tcp_ipv4.c`,
 * `net/ipv4/raw.c`, `net/ipv4/ping.c`, `net/unix/af_unix.c`, `net/packet/af_packet.c`,
 * `net/netlink/af_netlink.c`, `net/ipv4/devinet.c` and `net/ipv4/sysctl_net_ipv4.c`
 * (sysctls), procps `sysctl.c`.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketsLayer } from '@netstage/sockets';
 * import { procFs, procfsLayer } from '@netstage/procfs';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
 * const child = kernel.initTask.fork();
 * child.unshare({ net: true });
 * const fs = procFs(kernel);
 * fs.readFile(child, '/proc/net/route'); // '' — no main table yet, so not even a header
 * child.exit();
 * ```
 *
 * @packageDocumentation
 */

export * from './dev-files.js';
export * from './ipv4-files.js';
export { procfsLayer } from './layer.js';
export { hex, hexAddr, kernelPointer, padLine } from './seq.js';
export * from './socket-files.js';
export { PROCFS_STAGES, procfsStages } from './stages.js';
export * from './sysctl-net.js';
export { sysctl, type SysctlOutput } from './sysctl.js';
export {
  PROCFS,
  ProcFile,
  ProcFs,
  procFs,
  type OpenMode,
  type ProcContext,
  type ProcNetFileDef,
  type ProcStat,
  type SysctlDef,
  type SysctlDirDef,
} from './vfs.js';
