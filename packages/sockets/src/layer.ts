/**
 * The sockets layer: what it registers with a kernel.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { registerInetFamily } from './inet-raw.js';
import { NETLINK_FAMILY, NetlinkKernelSocket, NetlinkProtocol, RTNL_SOCK } from './netlink.js';
import { PACKET_FAMILY, PacketProtocol } from './packet.js';
import { SOCK_NET, SockNet } from './sock-net.js';
import { SOCK_IDS, SOCK_LIST, SockIds, SockList } from './sock-list.js';
import { SOCKETS, SocketLayer } from './socket.js';
import { socketsStages } from './stages.js';
import { UDP, UdpNet } from './udp.js';
import { UNIX, UNIX_FAMILY, UnixNet, UnixProtocol } from './unix.js';

/**
 * The sockets layer, to pass after devices and ipv4:
 * `Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] })`.
 *
 * It registers the kernel-wide socket counters (inodes) and each namespace's socket
 * list; the per-namespace UDP state (port table, counters, ephemeral range — the table
 * and counters made on first use), UDP with IPv4 (receive and ICMP-error handlers), and
 * the AF_INET family (UDP, ping and raw sockets; ping and raw with kernel-wide tables
 * keyed by namespace, so no per-namespace state); the per-namespace AF_UNIX state
 * (abstract names, made on first bind, and `max_dgram_qlen`) and the AF_UNIX family; the
 * `net.core` settings; the AF_NETLINK family (`NETLINK_ROUTE`) with each namespace's
 * rtnetlink kernel socket; the AF_PACKET family and its device notifier.
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { devicesLayer } from '@netstage/devices';
 * import { ipv4Layer } from '@netstage/ipv4';
 * import { socketLayer, socketsLayer } from '@netstage/sockets';
 * const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] });
 * const fd = socketLayer(kernel).socket(kernel.initTask, 'inet', 'dgram');
 * kernel.initTask.close(fd);
 * ```
 */
export function socketsLayer(): Layer {
  return {
    name: 'sockets',
    stages: socketsStages,
    register(kernel) {
      const ids = new SockIds();
      kernel.setState(SOCK_IDS, ids);
      kernel.registerPernetSubsys({ name: 'sock-list', key: SOCK_LIST, init: () => new SockList() });
      kernel.registerPernetSubsys({ name: 'udp', key: UDP, init: () => new UdpNet() });
      kernel.registerPernetSubsys({ name: 'unix', key: UNIX, init: () => new UnixNet() });
      kernel.registerPernetSubsys({ name: 'sock-net', key: SOCK_NET, init: () => new SockNet() });
      const layer = new SocketLayer(kernel);
      layer.addFamily(registerInetFamily(kernel));
      const unix = new UnixProtocol(kernel);
      layer.addFamily(unix);
      const netlink = new NetlinkProtocol(kernel);
      layer.addFamily(netlink);
      kernel.setState(NETLINK_FAMILY, netlink);
      kernel.registerPernetSubsys({ name: 'rtnl-sock', key: RTNL_SOCK, init: () => new NetlinkKernelSocket(ids) });
      kernel.setState(UNIX_FAMILY, unix);
      const packet = new PacketProtocol(kernel);
      layer.addFamily(packet);
      kernel.setState(PACKET_FAMILY, packet);
      kernel.setState(SOCKETS, layer);
    },
  };
}
