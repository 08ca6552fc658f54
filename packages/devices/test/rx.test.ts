import { Kernel, ManifestError, type Layer } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import {
  CHECKSUM,
  ETH_HLEN,
  ETH_P_ALL,
  ETH_P_ARP,
  ETH_P_IP,
  IFF,
  LinkControl,
  MAC_BROADCAST,
  NETDEV_MAX_BACKLOG,
  NicDevice,
  PACKET,
  STAT,
  STAT_COUNT,
  devicesLayer,
  devicesStages,
  emitEthernet,
  netdev,
  procNetDevColumns,
  type NetDevice,
  type Netdev,
} from '../src/index.js';
import { expectNoLeak } from './support.js';

const NIC_MAC = 0x02_0000_000a01;
const PEER_MAC = 0x02_0000_000b02;
const OTHER_MAC = 0x02_0000_000c03;
const MULTICAST_MAC = 0x01_005e_000001;
/** An EtherType no handler in these tests takes (IEEE local experimental). */
const ETH_P_UNHANDLED = 0x88b5;

/** Every stage of core-net and devices except `dev-rx-ns-safe`. */
const RX_OFF =
  'net-ns-basic,net-ns-task,net-ns-clone,dev-ns-tag,dev-ns-init,dev-list-per-ns,dev-alloc-name-ns,dev-move,' +
  'dev-move-netlink,loopback-per-ns,rtnl-netns-socket,rtnl-link-methods,dev-events-ns-safe';

/** A test layer with a stage that makes one receive handler namespace aware. */
const probeLayer: Layer = {
  name: 'probe',
  stages: [
    {
      id: 'probe-rx',
      layer: 'probe',
      order: 999_000,
      subject: 'test',
      commit: '0123456789abcdef0123456789abcdef01234567',
      release: 'test',
      opens: [],
      whileOff: 'dropped',
      requires: ['dev-rx-ns-safe'],
    },
  ],
};

/** Every stage of core-net and devices, but not `probe-rx`. */
const ALL_BUT_PROBE = ['net-ns-basic', 'net-ns-task', 'net-ns-clone', ...devicesStages.map((s) => s.id)].join(',');

/** An Ethernet frame of `length` bytes; bytes 14-15 carry `tag` (a sequence number). */
function ethFrame(destination: number, etherType: number, length = 60, tag = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  emitEthernet({ destination, source: PEER_MAC, etherType }, bytes);
  if (length >= ETH_HLEN + 2) {
    bytes[ETH_HLEN] = tag >>> 8;
    bytes[ETH_HLEN + 1] = tag & 0xff;
  }
  return bytes;
}

function tagOf(frame: Uint8Array): number {
  return ((frame[ETH_HLEN] ?? 0) << 8) | (frame[ETH_HLEN + 1] ?? 0);
}

/** A kernel booted with NICs in initNet. */
function bootNics(names: readonly string[] = ['eth0']): { kernel: Kernel; core: Netdev } {
  const kernel = Kernel.boot({ layers: [devicesLayer({ nics: names })] });
  return { kernel, core: netdev(kernel) };
}

/** The NIC `name` of initNet, with a known MAC; up unless `up` is false. */
function nic(kernel: Kernel, name = 'eth0', up = true): NicDevice {
  const core = netdev(kernel);
  const dev = core.byName(kernel.initNet, name);
  if (!(dev instanceof NicDevice)) throw new Error(`${name} is not a NIC`);
  if (dev.mac !== NIC_MAC && name === 'eth0') core.setMac(dev, NIC_MAC);
  if (up) core.open(dev);
  return dev;
}

/** A veth pair a0 (initNet) / b0 (the namespace named `ns`), both up. */
function vethAcross(kernel: Kernel, ns: string): { a0: NetDevice; b0: NetDevice } {
  const core = netdev(kernel);
  const fd = kernel.netns.open(ns, kernel.initTask);
  try {
    new LinkControl(kernel).add(kernel.initTask, { kind: 'veth', name: 'a0', peer: { name: 'b0', netns: { fd } } });
  } finally {
    kernel.initTask.close(fd);
  }
  const net = kernel.netns.get(ns);
  const a0 = core.byName(kernel.initNet, 'a0');
  const b0 = net === undefined ? undefined : core.byName(net, 'b0');
  if (a0 === undefined || b0 === undefined) throw new Error('veth pair not created');
  core.open(a0);
  core.open(b0);
  return { a0, b0 };
}


describe('receive path: delivery and dispatch', () => {
  it('delivers frames through the event queue, not synchronously', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const seen: string[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, dev) => seen.push(dev.name) });
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP))).toBe(true);
    expect(seen).toEqual([]);
    expect(eth0.backlog).toBe(1);
    expect(eth0.stats[STAT.rx_packets]).toBe(0);
    expect(kernel.clock.queued).toBeGreaterThan(0);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual(['eth0']);
    expect(eth0.backlog).toBe(0);
    expect(eth0.stats[STAT.rx_packets]).toBe(1);
    expect(eth0.stats[STAT.rx_bytes]).toBe(60);
  });

  it('carries each frame\'s ip_summed from transmit to the handler, across the backlog ring growing (veth and lo keep it; a NIC injects NONE)', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const lo = core.byName(kernel.initNet, 'lo');
    if (lo === undefined) throw new Error('no lo');
    core.open(lo);
    const seen: [number, number, string][] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (f, d, _t, summed) => seen.push([tagOf(f), summed, d.name]) });
    const want: [number, number, string][] = [];
    // 40 frames at one instant: the ring starts at 16 slots and doubles twice.
    for (let i = 0; i < 40; i++) {
      const summed = i % 3 === 0 ? CHECKSUM.UNNECESSARY : CHECKSUM.NONE;
      lo.transmit(ethFrame(0, ETH_P_IP, 60, i), summed);
      want.push([i, summed, 'lo']);
    }
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, 99));
    want.push([99, CHECKSUM.NONE, 'eth0']);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual(want);
  });

  it('keeps the order of frames received at one instant', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const tags: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (f) => tags.push(tagOf(f)) });
    for (let i = 0; i < 50; i++) eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, i));
    kernel.clock.runUntilIdle();
    expect(tags).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('dispatches by EtherType to handlers in registration order; the returned function removes one', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const seen: string[] = [];
    const before = core.handlers.size;
    const removeFirst = core.handlers.add({ name: 'ip1', etherType: ETH_P_IP, receive: () => seen.push('ip1') });
    core.handlers.add({ name: 'arp', etherType: ETH_P_ARP, receive: () => seen.push('arp') });
    core.handlers.add({ name: 'ip2', etherType: ETH_P_IP, receive: () => seen.push('ip2') });
    expect(core.handlers.size).toBe(before + 3);

    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(seen.splice(0)).toEqual(['ip1', 'ip2']);

    eth0.inject(ethFrame(NIC_MAC, ETH_P_ARP));
    kernel.clock.runUntilIdle();
    expect(seen.splice(0)).toEqual(['arp']);

    removeFirst();
    expect(core.handlers.size).toBe(before + 2);
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(seen.splice(0)).toEqual(['ip2']);
    removeFirst(); // a second call is harmless
    expect(core.handlers.size).toBe(before + 2);
  });

  it('hands each handler the frame, the device and the packet type', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const got: { bytes: number[]; dev: NetDevice; pktType: number }[] = [];
    core.handlers.add({
      name: 'ip',
      etherType: ETH_P_IP,
      receive: (f, dev, pktType) => got.push({ bytes: [...f], dev, pktType }),
    });
    const frame = ethFrame(NIC_MAC, ETH_P_IP, 64, 0x1234);
    eth0.inject(frame);
    kernel.clock.runUntilIdle();
    expect(got).toHaveLength(1);
    expect(got[0]?.bytes).toEqual([...frame]);
    expect(got[0]?.dev).toBe(eth0);
    expect(got[0]?.pktType).toBe(PACKET.HOST);
  });

  it('shows received frames to ETH_P_ALL handlers first, and transmitted ones as OUTGOING', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const seen: string[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, d, p) => seen.push(`ip:${d.name}:${p}`) });
    core.handlers.add({ name: 'all', etherType: ETH_P_ALL, receive: (_f, d, p) => seen.push(`all:${d.name}:${p}`) });

    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    eth0.inject(ethFrame(NIC_MAC, ETH_P_UNHANDLED));
    kernel.clock.runUntilIdle();
    expect(seen.splice(0)).toEqual([`all:eth0:${PACKET.HOST}`, `ip:eth0:${PACKET.HOST}`, `all:eth0:${PACKET.HOST}`]);

    // Outgoing frames reach the taps at once, and only the taps.
    const sent = ethFrame(OTHER_MAC, ETH_P_IP);
    let tapped: Uint8Array | undefined;
    core.handlers.add({ name: 'tap', etherType: ETH_P_ALL, receive: (f, _d, p) => { if (p === PACKET.OUTGOING) tapped = f.slice(); } });
    expect(eth0.transmit(sent)).toBe(true);
    expect(seen.splice(0)).toEqual([`all:eth0:${PACKET.OUTGOING}`]);
    expect(tapped).toEqual(sent);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([]);
  });

  it('gives a handler bound to a device only that device’s frames, in and out', () => {
    const { kernel, core } = bootNics(['eth0', 'eth1']);
    const eth0 = nic(kernel, 'eth0');
    const eth1 = nic(kernel, 'eth1');
    const seen: string[] = [];
    core.handlers.add({ name: 'ip@eth1', etherType: ETH_P_IP, device: eth1, receive: (_f, d) => seen.push(`ip:${d.name}`) });
    core.handlers.add({
      name: 'all@eth1',
      etherType: ETH_P_ALL,
      device: eth1,
      receive: (_f, d, p) => seen.push(`all:${d.name}:${p === PACKET.OUTGOING ? 'out' : 'in'}`),
    });
    eth0.inject(ethFrame(eth0.mac, ETH_P_IP));
    eth1.inject(ethFrame(eth1.mac, ETH_P_IP));
    kernel.clock.runUntilIdle();
    eth0.transmit(ethFrame(OTHER_MAC, ETH_P_IP));
    eth1.transmit(ethFrame(OTHER_MAC, ETH_P_IP));
    expect(seen).toEqual(['all:eth1:in', 'ip:eth1', 'all:eth1:out']);
    // Nobody took eth0's frame: the bound handlers do not claim other devices' frames.
    expect(eth0.stats[STAT.rx_dropped]).toBe(1);
    expect(eth1.stats[STAT.rx_dropped]).toBe(0);
  });

  it('counts a frame nobody handles in rx_dropped, but not one an ETH_P_ALL handler took', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: () => undefined });
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(eth0.stats[STAT.rx_dropped]).toBe(0);

    eth0.inject(ethFrame(NIC_MAC, ETH_P_UNHANDLED));
    kernel.clock.runUntilIdle();
    expect(eth0.stats[STAT.rx_dropped]).toBe(1);
    expect(eth0.stats[STAT.rx_packets]).toBe(2);

    const remove = core.handlers.add({ name: 'tap', etherType: ETH_P_ALL, receive: () => undefined });
    eth0.inject(ethFrame(NIC_MAC, ETH_P_UNHANDLED));
    kernel.clock.runUntilIdle();
    expect(eth0.stats[STAT.rx_dropped]).toBe(1);

    remove();
    eth0.inject(ethFrame(NIC_MAC, ETH_P_UNHANDLED));
    kernel.clock.runUntilIdle();
    expect(eth0.stats[STAT.rx_dropped]).toBe(2);
    expect(eth0.stats[STAT.rx_packets]).toBe(4);
  });

  it('classifies frames by destination MAC: HOST, BROADCAST, MULTICAST, OTHERHOST', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const types: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, _d, p) => types.push(p) });
    for (const dst of [NIC_MAC, MAC_BROADCAST, MULTICAST_MAC, 0x33_3300_000001, OTHER_MAC]) eth0.inject(ethFrame(dst, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(types).toEqual([PACKET.HOST, PACKET.BROADCAST, PACKET.MULTICAST, PACKET.MULTICAST, PACKET.OTHERHOST]);
    expect(PACKET).toEqual({ HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 });
  });

  it('follows a MAC address change when classifying', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const types: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, _d, p) => types.push(p) });
    core.setMac(eth0, OTHER_MAC);
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    eth0.inject(ethFrame(OTHER_MAC, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(types).toEqual([PACKET.OTHERHOST, PACKET.HOST]);
  });

  it('counts received multicast frames', () => {
    const { kernel } = bootNics();
    const eth0 = nic(kernel);
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    eth0.inject(ethFrame(MULTICAST_MAC, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(eth0.stats[STAT.multicast]).toBe(1);
    expect(eth0.stats[STAT.rx_packets]).toBe(2);
  });

  it('adding a handler for a stage the kernel does not have throws ManifestError', () => {
    const { core } = bootNics();
    const size = core.handlers.size;
    expect(() => core.handlers.add({ name: 'x', etherType: ETH_P_IP, stage: 'no-such-stage', receive: () => undefined })).toThrow(
      ManifestError,
    );
    expect(core.handlers.size).toBe(size);
  });
});

describe('receive path: the NIC', () => {
  it('refuses frames injected while down and delivers them once up', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel, 'eth0', false);
    const seen: number[] = [];
    core.handlers.add({ name: 'all', etherType: ETH_P_ALL, receive: (f) => seen.push(tagOf(f)) });
    expect(eth0.up).toBe(false);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, 1))).toBe(false);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([]);
    expect(eth0.backlog).toBe(0);
    expect(eth0.stats[STAT.rx_packets]).toBe(0);
    expect(eth0.stats[STAT.rx_bytes]).toBe(0);
    const droppedWhileDown = eth0.stats[STAT.rx_dropped];

    core.open(eth0);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, 2))).toBe(true);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([2]);
    expect(eth0.stats[STAT.rx_dropped]).toBe(droppedWhileDown);
    expect(eth0.stats[STAT.rx_packets]).toBe(1);

    core.close(eth0);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, 3))).toBe(false);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([2]);
  });

  it('counts a frame shorter than 14 bytes in rx_errors and rx_length_errors and never throws', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const seen: Uint8Array[] = [];
    core.handlers.add({ name: 'all', etherType: ETH_P_ALL, receive: (f) => seen.push(f) });
    expect(() => eth0.inject(new Uint8Array(ETH_HLEN - 1))).not.toThrow();
    expect(eth0.inject(new Uint8Array(0))).toBe(false);
    expect(eth0.inject(new Uint8Array(5))).toBe(false);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([]);
    expect(eth0.stats[STAT.rx_errors]).toBe(3);
    expect(eth0.stats[STAT.rx_length_errors]).toBe(3);
    expect(eth0.stats[STAT.rx_packets]).toBe(0);
    // Exactly a header is a frame.
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, ETH_HLEN))).toBe(true);
    kernel.clock.runUntilIdle();
    expect(seen).toHaveLength(1);
  });

  it('refuses a frame longer than mtu + 14 bytes', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const lengths: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (f) => lengths.push(f.length) });
    expect(eth0.mtu).toBe(1500);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 1515))).toBe(false);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 1514))).toBe(true);
    core.setMtu(eth0, 1000);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 1015))).toBe(false);
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 1014))).toBe(true);
    kernel.clock.runUntilIdle();
    expect(lengths).toEqual([1514, 1014]);
    expect(eth0.stats[STAT.rx_packets]).toBe(2);
    expect(eth0.stats[STAT.rx_length_errors]).toBe(2);
  });

  it('does not transmit while down', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel, 'eth0', false);
    const taps: number[] = [];
    core.handlers.add({ name: 'all', etherType: ETH_P_ALL, receive: (_f, _d, p) => taps.push(p) });
    expect(eth0.transmit(ethFrame(OTHER_MAC, ETH_P_IP))).toBe(false);
    expect(eth0.drain()).toEqual([]);
    expect(taps).toEqual([]);
    expect(eth0.stats[STAT.tx_packets]).toBe(0);
    expect(eth0.stats[STAT.tx_bytes]).toBe(0);
  });

  it('puts transmitted frames, as copies, on the wire for drain() and counts them', () => {
    const { kernel } = bootNics();
    const eth0 = nic(kernel);
    const a = ethFrame(OTHER_MAC, ETH_P_IP, 60, 1);
    const b = ethFrame(MAC_BROADCAST, ETH_P_ARP, 42, 2);
    expect(eth0.transmit(a)).toBe(true);
    expect(eth0.transmit(b)).toBe(true);
    const expectedA = a.slice();
    a.fill(0); // the caller may reuse its buffer
    const out = eth0.drain();
    expect(out).toHaveLength(2);
    expect(out[0]).toEqual(expectedA);
    expect(out[0]).not.toBe(a);
    expect(out[1]).toEqual(b);
    expect(out[1]).not.toBe(b);
    expect(eth0.drain()).toEqual([]);
    expect(eth0.stats[STAT.tx_packets]).toBe(2);
    expect(eth0.stats[STAT.tx_bytes]).toBe(102);
    expect(eth0.stats[STAT.tx_dropped]).toBe(0);
  });

  it('without carrier: operstate DOWN, UP without LOWER_UP or RUNNING, transmit dropped', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    expect(eth0.carrier).toBe(true);
    expect(eth0.operstate).toBe('UP');
    expect(eth0.flags & (IFF.UP | IFF.LOWER_UP | IFF.RUNNING)).toBe(IFF.UP | IFF.LOWER_UP | IFF.RUNNING);

    eth0.setCarrier(false);
    expect(eth0.carrier).toBe(false);
    expect(eth0.up).toBe(true);
    expect(eth0.operstate).toBe('DOWN');
    expect(eth0.flags & IFF.UP).toBe(IFF.UP);
    expect(eth0.flags & IFF.LOWER_UP).toBe(0);
    expect(eth0.flags & IFF.RUNNING).toBe(0);
    expect(eth0.transmit(ethFrame(OTHER_MAC, ETH_P_IP))).toBe(false);
    expect(eth0.drain()).toEqual([]);
    // Dropped in the noop qdisc link-watch swapped in: not in the device's counters.
    expect(eth0.stats[STAT.tx_dropped]).toBe(0);
    expect(eth0.stats[STAT.tx_packets]).toBe(0);
    // Nothing arrives from an unplugged cable either.
    const seen: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: () => seen.push(1) });
    expect(eth0.inject(ethFrame(NIC_MAC, ETH_P_IP))).toBe(false);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([]);

    eth0.setCarrier(true);
    expect(eth0.operstate).toBe('UP');
    expect(eth0.flags & (IFF.LOWER_UP | IFF.RUNNING)).toBe(IFF.LOWER_UP | IFF.RUNNING);
    expect(eth0.transmit(ethFrame(OTHER_MAC, ETH_P_IP))).toBe(true);
    expect(eth0.drain()).toHaveLength(1);
  });

  it('bounds the backlog at one instant near NETDEV_MAX_BACKLOG, dropping the newest and counting them', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    const tags: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (f) => tags.push(tagOf(f)) });
    expect(NETDEV_MAX_BACKLOG).toBe(1000);
    const total = NETDEV_MAX_BACKLOG + 2;
    for (let i = 0; i < total; i++) eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, i));
    const queued = eth0.backlog;
    // enqueue_to_backlog accepts while qlen <= netdev_max_backlog: 1001 fit, 1 is dropped.
    expect(queued).toBe(NETDEV_MAX_BACKLOG + 1);
    expect(eth0.stats[STAT.rx_dropped]).toBe(1);
    kernel.clock.runUntilIdle();
    expect(tags).toEqual(Array.from({ length: queued }, (_, i) => i));
    expect(eth0.stats[STAT.rx_packets]).toBe(queued);
    expect(eth0.stats[STAT.rx_dropped]).toBe(total - queued);

    // Drained: a burst at a later instant is taken again.
    tags.length = 0;
    kernel.clock.advance(1);
    for (let i = 0; i < 10; i++) eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 60, i));
    kernel.clock.runUntilIdle();
    expect(tags).toHaveLength(10);
    expect(eth0.stats[STAT.rx_dropped]).toBe(total - queued);
  });
});

describe('packet types on loopback (eth_type_trans against dev->broadcast, all zeros on lo)', () => {
  it('zeros are HOST, ff:ff:ff:ff:ff:ff is MULTICAST (not lo\'s broadcast), another unicast OTHERHOST', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const core = netdev(kernel);
    const lo = core.loopback(kernel.initNet);
    if (lo === undefined) throw new Error('no lo');
    core.open(lo);
    const types: number[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, _d, t) => types.push(t) });
    for (const dst of [0, MAC_BROADCAST, OTHER_MAC]) lo.transmit(ethFrame(dst, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(types).toEqual([PACKET.HOST, PACKET.MULTICAST, PACKET.OTHERHOST]);
  });
});

describe('procNetDevColumns', () => {
  it('folds the counters into the sixteen /proc/net/dev columns', () => {
    const stats = new Float64Array(STAT_COUNT);
    // A distinct power of two per field, so every sum below is unambiguous.
    for (let i = 0; i < STAT_COUNT; i++) stats[i] = 2 ** i;
    const v = (name: keyof typeof STAT): number => 2 ** STAT[name];
    expect(procNetDevColumns(stats)).toEqual([
      v('rx_bytes'),
      v('rx_packets'),
      v('rx_errors'),
      v('rx_dropped') + v('rx_missed_errors'),
      v('rx_fifo_errors'),
      v('rx_length_errors') + v('rx_over_errors') + v('rx_crc_errors') + v('rx_frame_errors'),
      v('rx_compressed'),
      v('multicast'),
      v('tx_bytes'),
      v('tx_packets'),
      v('tx_errors'),
      v('tx_dropped'),
      v('tx_fifo_errors'),
      v('collisions'),
      v('tx_carrier_errors') + v('tx_aborted_errors') + v('tx_window_errors') + v('tx_heartbeat_errors'),
      v('tx_compressed'),
    ]);
  });

  it('uses rtnl_link_stats64 order for the counter indices', () => {
    expect(STAT_COUNT).toBe(24);
    expect(STAT.rx_packets).toBe(0);
    expect(STAT.tx_bytes).toBe(3);
    expect(STAT.rx_dropped).toBe(6);
    expect(STAT.rx_missed_errors).toBe(15);
    expect(STAT.tx_window_errors).toBe(20);
    expect(STAT.rx_nohandler).toBe(23);
  });

  it('folds concrete values as /proc/net/dev prints them', () => {
    const stats = new Float64Array(STAT_COUNT);
    stats[STAT.rx_dropped] = 3;
    stats[STAT.rx_missed_errors] = 4;
    stats[STAT.rx_length_errors] = 1;
    stats[STAT.rx_over_errors] = 2;
    stats[STAT.rx_crc_errors] = 5;
    stats[STAT.rx_frame_errors] = 7;
    stats[STAT.tx_carrier_errors] = 10;
    stats[STAT.tx_aborted_errors] = 20;
    stats[STAT.tx_window_errors] = 30;
    stats[STAT.tx_heartbeat_errors] = 40;
    stats[STAT.rx_nohandler] = 99; // not a /proc/net/dev column
    const cols = procNetDevColumns(stats);
    expect(cols).toHaveLength(16);
    expect(cols[3]).toBe(7);
    expect(cols[5]).toBe(15);
    expect(cols[14]).toBe(100);
    expect(cols.reduce((a, b) => a + b, 0)).toBe(122);
  });

  it('reflects a device’s traffic', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: () => undefined });
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP, 100));
    eth0.inject(ethFrame(NIC_MAC, ETH_P_UNHANDLED, 60));
    eth0.inject(new Uint8Array(3));
    eth0.transmit(ethFrame(OTHER_MAC, ETH_P_IP, 70));
    kernel.clock.runUntilIdle();
    expect(procNetDevColumns(eth0.stats)).toEqual([160, 2, 1, 1, 0, 1, 0, 0, 70, 1, 0, 0, 0, 0, 0, 0]);
  });
});

describe('capture tap', () => {
  it('keeps copies of frames in and out with virtual timestamps; stopCapture returns and clears', () => {
    const { kernel, core } = bootNics();
    const eth0 = nic(kernel);
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (f) => f.fill(0xee) }); // the stack may reuse a frame
    const before = ethFrame(NIC_MAC, ETH_P_IP, 60, 0);
    eth0.inject(before);
    kernel.clock.runUntilIdle();
    expect(eth0.captured()).toEqual([]);

    eth0.startCapture();
    kernel.clock.advance(5);
    const rx = ethFrame(NIC_MAC, ETH_P_IP, 60, 1);
    const rxCopy = rx.slice();
    eth0.inject(rx);
    kernel.clock.runUntilIdle();
    expect(kernel.clock.now).toBe(5);
    kernel.clock.advance(10);
    const tx = ethFrame(OTHER_MAC, ETH_P_ARP, 42, 2);
    const txCopy = tx.slice();
    eth0.transmit(tx);
    tx.fill(0);
    expect(eth0.captured()).toHaveLength(2);

    const frames = eth0.stopCapture();
    expect(frames.map((f) => [f.time, f.direction])).toEqual([
      [5, 'in'],
      [15, 'out'],
    ]);
    expect(frames[0]?.bytes).toEqual(rxCopy);
    expect(frames[0]?.bytes).not.toBe(rx);
    expect(frames[1]?.bytes).toEqual(txCopy);
    expect(frames[1]?.bytes).not.toBe(tx);

    expect(eth0.captured()).toEqual([]);
    eth0.inject(ethFrame(NIC_MAC, ETH_P_IP));
    eth0.transmit(ethFrame(OTHER_MAC, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(eth0.captured()).toEqual([]);
    expect(eth0.stopCapture()).toEqual([]);
  });
});

describe('receive path: stage gates', () => {
  it('boots with dev-rx-ns-safe off and the rest of the device stages on', () => {
    const kernel = Kernel.boot({ stages: RX_OFF, layers: [devicesLayer()] });
    const m = kernel.manifest;
    expect(kernel.stages.isOn(m.stage('dev-rx-ns-safe'))).toBe(false);
    expect(kernel.stages.isOn(m.stage('dev-events-ns-safe'))).toBe(true);
    expect(kernel.stages.isOn(m.stage('dev-move-netlink'))).toBe(true);
  });

  it('while dev-rx-ns-safe is off, frames on a device outside initNet reach no handler and are counted', () => {
    const kernel = Kernel.boot({ stages: RX_OFF, layers: [devicesLayer()] });
    const core = netdev(kernel);
    const b = kernel.netns.add('b');
    const { a0, b0 } = vethAcross(kernel, 'b');
    expect(b0.net).toBe(b);
    const rxStage = kernel.manifest.stage('dev-rx-ns-safe');
    const seen: string[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, d) => seen.push(d.name) });

    for (let i = 0; i < 3; i++) expect(a0.transmit(ethFrame(b0.mac, ETH_P_IP, 60, i))).toBe(true);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([]);
    expect(kernel.stages.refusals(rxStage, b)).toBe(3);
    expect(b0.stats[STAT.rx_packets]).toBe(3); // the device received them; the stack dropped them

    // The other way round, into initNet, frames are delivered.
    expect(b0.transmit(ethFrame(a0.mac, ETH_P_IP))).toBe(true);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual(['a0']);
    expect(kernel.stages.refusals(rxStage, b)).toBe(3);
    expect(kernel.stages.refusals(rxStage, kernel.initNet)).toBe(0);
    expectNoLeak(kernel);
  });

  it('while dev-rx-ns-safe is off, taps see no frame in or out of a device outside initNet', () => {
    const kernel = Kernel.boot({ stages: RX_OFF, layers: [devicesLayer()] });
    const core = netdev(kernel);
    const b = kernel.netns.add('b');
    const { a0, b0 } = vethAcross(kernel, 'b');
    const seen: string[] = [];
    core.handlers.add({
      name: 'tap',
      etherType: ETH_P_ALL,
      receive: (_f, d, p) => seen.push(`${d.name}:${p === PACKET.OUTGOING ? 'out' : 'in'}`),
    });
    a0.transmit(ethFrame(b0.mac, ETH_P_IP));
    kernel.clock.runUntilIdle();
    b0.transmit(ethFrame(a0.mac, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(seen).toEqual(['a0:out', 'a0:in']);
    expect(kernel.stages.refusals(kernel.manifest.stage('dev-rx-ns-safe'), b)).toBe(2);
    expectNoLeak(kernel);
  });

  it('with every stage on, frames on a device outside initNet are dispatched', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const core = netdev(kernel);
    const b = kernel.netns.add('b');
    const { a0, b0 } = vethAcross(kernel, 'b');
    const seen: string[] = [];
    core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (_f, d, p) => seen.push(`${d.name}:${p}`) });
    a0.transmit(ethFrame(b0.mac, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([`b0:${PACKET.HOST}`]);
    expect(kernel.stages.refusals(kernel.manifest.stage('dev-rx-ns-safe'), b)).toBe(0);
    expectNoLeak(kernel);
  });

  it('a handler whose own stage is off gets initNet’s frames only, and still claims the others', () => {
    const kernel = Kernel.boot({ stages: ALL_BUT_PROBE, layers: [devicesLayer(), probeLayer] });
    const core = netdev(kernel);
    const probe = kernel.manifest.stage('probe-rx');
    expect(kernel.stages.isOn(probe)).toBe(false);
    expect(kernel.stages.isOn(kernel.manifest.stage('dev-rx-ns-safe'))).toBe(true);
    const b = kernel.netns.add('b');
    const { a0, b0 } = vethAcross(kernel, 'b');
    const seen: string[] = [];
    const aware: string[] = [];
    core.handlers.add({ name: 'probe', etherType: ETH_P_IP, stage: 'probe-rx', receive: (_f, d) => seen.push(d.name) });
    core.handlers.add({ name: 'aware', etherType: ETH_P_ARP, receive: (_f, d) => aware.push(d.name) });

    a0.transmit(ethFrame(b0.mac, ETH_P_IP));
    a0.transmit(ethFrame(b0.mac, ETH_P_IP));
    a0.transmit(ethFrame(b0.mac, ETH_P_ARP));
    b0.transmit(ethFrame(a0.mac, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(seen).toEqual(['a0']);
    expect(aware).toEqual(['b0']); // the receive path itself is open for 'b'
    expect(kernel.stages.refusals(probe, b)).toBe(2);
    expect(kernel.stages.refusals(kernel.manifest.stage('dev-rx-ns-safe'), b)).toBe(0);
    expect(b0.stats[STAT.rx_packets]).toBe(3);
    expect(b0.stats[STAT.rx_dropped]).toBe(0);
    expect(a0.stats[STAT.rx_dropped]).toBe(0);
    expectNoLeak(kernel);
  });

  it('a handler whose own stage is on gets frames from every namespace', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer(), probeLayer] });
    const core = netdev(kernel);
    const b = kernel.netns.add('b');
    const { a0, b0 } = vethAcross(kernel, 'b');
    const seen: string[] = [];
    core.handlers.add({ name: 'probe', etherType: ETH_P_IP, stage: 'probe-rx', receive: (_f, d) => seen.push(d.name) });
    a0.transmit(ethFrame(b0.mac, ETH_P_IP));
    b0.transmit(ethFrame(a0.mac, ETH_P_IP));
    kernel.clock.runUntilIdle();
    expect(seen).toEqual(['b0', 'a0']);
    expect(kernel.stages.refusals(kernel.manifest.stage('probe-rx'), b)).toBe(0);
    expectNoLeak(kernel);
  });

  it('a dummy registered in another namespace counts and discards what it sends', () => {
    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const core = netdev(kernel);
    const b = kernel.netns.add('b');
    const d0 = core.newDummy(b, 'd0', core.randomMac());
    core.register(d0, b);
    core.open(d0);
    const seen: string[] = [];
    core.handlers.add({ name: 'all', etherType: ETH_P_ALL, receive: (_f, d, p) => seen.push(`${d.name}:${p}`) });
    expect(d0.transmit(ethFrame(OTHER_MAC, ETH_P_IP, 80))).toBe(true);
    kernel.clock.runUntilIdle();
    expect(seen).toEqual([`d0:${PACKET.OUTGOING}`]);
    expect(d0.stats[STAT.tx_packets]).toBe(1);
    expect(d0.stats[STAT.tx_bytes]).toBe(80);
    expect(d0.stats[STAT.rx_packets]).toBe(0);
    expectNoLeak(kernel);
  });
});
