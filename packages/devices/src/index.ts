/**
 * # devices: network devices per namespace
 *
 * This layer owns what Linux keeps in `net/core/dev.c`, `drivers/net/loopback.c`,
 * `drivers/net/veth.c` and `drivers/net/dummy.c`:
 *
 * - **`NetDevice`** and its drivers — {@link LoopbackDevice} (`lo`, one per namespace,
 *   ifindex 1, DOWN at birth, never moved or deleted), {@link VethDevice} pairs (what one
 *   end sends the other receives, through the event queue; carrier only while both are
 *   up), {@link DummyDevice} (counts and discards), and {@link NicDevice} (a NIC a kernel
 *   boots with, with a wire to inject into and drain from);
 * - each namespace's **device list** with name and ifindex lookups, name rules and `%d`
 *   patterns, and cyclic **ifindex** allocation;
 * - **moves** between namespaces (`dev_change_net_namespace`): unregister here, register
 *   there, arriving DOWN, keeping the ifindex when it is free; and what happens when a
 *   namespace exits — virtual devices deleted, the others sent back to initNet;
 * - the **device-event chain** other layers subscribe to ({@link NetdevChain});
 * - the **receive path**: a per-device backlog drained on the event queue, then the
 *   dispatch by EtherType to protocol handlers ({@link PacketHandlers}), with per-device
 *   counters named after `rtnl_link_stats64` and folded into `/proc/net/dev`'s columns
 *   ({@link procNetDevColumns}), and a capture tap per device;
 * - **Ethernet** bytes in `wire/` (views, reprs, MAC helpers);
 * - the **link control surface** ({@link LinkControl}) that `ip link` will sit on.
 *
 * What it never does: know about IP, sockets or files. Higher layers plug in through
 * {@link PacketHandler} and {@link NetdevSubscriber}, each naming the stage that makes
 * it namespace aware.
 *
 * ## Stages
 *
 * The layer contributes the device half of the 2007 series (patches 05, 09, 10, 11, 13,
 * 14, 15, 16 and the per-namespace loopback), the v2.6.25 rtnetlink link methods,
 * v2.6.29's deletion of virtual devices on exit, and 2012's per-namespace ifindex. While
 * a stage is off, a namespace other than initNet is refused as the kernel of the day
 * refused it: no devices of its own, frames dropped and counted, events unheard,
 * ECONNREFUSED then EINVAL from the link requests; and before `ifindex-per-ns`, one
 * ifindex counter serves the whole kernel.
 *
 * ## Speed
 *
 * A frame is a `Uint8Array` and nothing else: transmitting one on a veth is a counter
 * update and a ring-buffer push, and the peer's backlog is drained by one event per
 * burst, not one per frame. Lookups scan a namespace's few devices (at most eight) or
 * read a `Map`, whatever the number of namespaces.
 *
 * A frame carries one number beside its bytes: its sender's checksum state
 * ({@link CHECKSUM}, `skb->ip_summed`), through `transmit`, the backlog ring and the
 * dispatch to the handler. veth and loopback keep it, so a receiving stack need not
 * re-sum a transport checksum its own stack wrote a moment earlier — the one check Linux
 * skips on these devices (it sends CHECKSUM_PARTIAL over them). netstage still writes
 * the checksum, so a capture anywhere sees a correct one; frames a NIC or a packet
 * socket puts on a link are `NONE` and verified.
 *
 * ## Size
 *
 * Every namespace has a device table and a `lo`, so both are small at rest (about
 * 270 bytes together): the table is one exact-size array until it holds more than
 * eight devices ({@link DeviceTable}) and doubles as the namespace's ifindex cursor;
 * a device keeps what its driver fixes (kind, MTU range, `txqueuelen`) on its class,
 * and creates its counters, multicast list, backlog ring and capture tap on first use
 * — counters that were never created read as zeros ({@link NetDevice.getStats}).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { ETH_P_IP, LinkControl, devicesLayer, netdev } from '@netstage/devices';
 *
 * const kernel = Kernel.boot({ layers: [devicesLayer()] });
 * const b = kernel.netns.add('b');
 * const sh = kernel.initTask;
 * const links = new LinkControl(kernel);
 * const fd = kernel.netns.open('b', sh);
 * links.add(sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } });
 * sh.close(fd);
 * const core = netdev(kernel);
 * const veth0 = core.byName(kernel.initNet, 'veth0');
 * const veth1 = core.byName(b, 'veth1');
 * if (veth0 && veth1) {
 *   core.open(veth0);
 *   core.open(veth1);
 *   const seen: string[] = [];
 *   core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, dev) => seen.push(dev.name) });
 *   const frame = new Uint8Array(60);
 *   frame[12] = 0x08; // EtherType 0x0800
 *   veth0.transmit(frame);
 *   kernel.clock.runUntilIdle();
 *   seen; // ['veth1']
 * }
 * ```
 *
 * @packageDocumentation
 */

export {
  CAPTURE_LIMIT,
  CHECKSUM,
  DummyDevice,
  LoopbackDevice,
  NetDevice,
  NicDevice,
  VethDevice,
  type CapturedFrame,
  type DeviceCore,
  type DeviceKind,
  type LinkType,
  type MulticastEntry,
} from './device.js';
export { STAT, STAT_COUNT, procNetDevColumns, type StatName } from './counters.js';
export { NetdevChain, type NetdevEvent, type NetdevSubscriber } from './events.js';
export { IFF, type OperState } from './flags.js';
export { devicesLayer, type DevicesOptions } from './layer.js';
export { LinkControl, linkInfo, type LinkAddRequest, type LinkInfo, type LinkSetRequest, type NetnsRef } from './link.js';
export { DEVICES, IFINDEX, MAC_IPV6_ALL_NODES, NETDEV, NETDEV_MAX_BACKLOG, Netdev, netdev } from './netdev.js';
export { PACKET, PacketHandlers, type PacketHandler } from './rx.js';
export { DEVICE_STAGES, devicesStages } from './stages.js';
export { DeviceTable, IFNAMSIZ, IfindexCursor, isValidIfname, resolveIfname } from './table.js';
export * from './wire/ethernet.js';
