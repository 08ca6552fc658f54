/**
 * The sockets layer: what it registers with a kernel.
 *
 * @module
 */

import type { Layer } from '@netstage/core-net';
import { registerInetFamily } from './inet-raw.js';
import { NetlinkProtocol } from './netlink.js';
import { PACKET_FAMILY, PacketProtocol } from './packet.js';
import { SOCKETS, SocketLayer } from './socket.js';
import { socketsStages } from './stages.js';
import { UDP, UdpNet } from './udp.js';
import { UNIX, UNIX_FAMILY, UnixNet, UnixProtocol } from './unix.js';

/**
 * The sockets layer, to pass after devices and ipv4:
 * `Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] })`.
 *
 * It registers the per-namespace UDP state (port table, counters, ephemeral range),
 * UDP with IPv4 (receive and ICMP-error handlers), and the AF_INET family (UDP, ping
 * and raw sockets, with their per-namespace tables); the
 * per-namespace AF_UNIX state (abstract names) and the AF_UNIX family; and the
 * AF_NETLINK family (`NETLINK_ROUTE`); the AF_PACKET family and its device notifier.
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
      kernel.registerPernetSubsys({ name: 'udp', key: UDP, init: () => new UdpNet() });
      kernel.registerPernetSubsys({ name: 'unix', key: UNIX, init: () => new UnixNet() });
      const layer = new SocketLayer(kernel);
      layer.addFamily(registerInetFamily(kernel));
      const unix = new UnixProtocol(kernel);
      layer.addFamily(unix);
      layer.addFamily(new NetlinkProtocol(kernel));
      kernel.setState(UNIX_FAMILY, unix);
      const packet = new PacketProtocol(kernel);
      layer.addFamily(packet);
      kernel.setState(PACKET_FAMILY, packet);
      kernel.setState(SOCKETS, layer);
    },
  };
}
