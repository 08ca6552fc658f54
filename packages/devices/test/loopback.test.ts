import { describe, expect, it } from 'vitest';
import { IFF, LoopbackDevice, MAC_ZERO, STAT, STAT_COUNT, linkInfo } from '../src/index.js';
import { listing, netErrorOf, world } from './support.js';

describe('loopback (reference §3.1, transcript 4.A)', () => {
  it('every new namespace has lo at ifindex 1: DOWN, mtu 65536, all-zero MAC, LOOPBACK, no carrier shown', () => {
    const w = world();
    const { net } = w.ns('a');
    const lo = w.core.loopback(net);
    expect(lo).toBeInstanceOf(LoopbackDevice);
    if (lo === undefined) return;
    const info = linkInfo(lo);
    expect(info).toMatchObject({ ifindex: 1, name: 'lo', mtu: 65536, address: MAC_ZERO, broadcast: MAC_ZERO, operstate: 'DOWN', qdisc: 'noop', txQueueLen: 1000, linkType: 'loopback' });
    expect(info.flags).toBe(IFF.LOOPBACK);
    expect(listing(w, net)).toEqual(['1: lo']);
    w.end();
  });

  it('up: UNKNOWN with UP, RUNNING and LOWER_UP, qdisc noqueue', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const lo = w.dev(net, 'lo');
    expect(lo.operstate).toBe('UNKNOWN');
    expect(lo.flags).toBe(IFF.LOOPBACK | IFF.UP | IFF.RUNNING | IFF.LOWER_UP);
    expect(lo.qdisc).toBe('noqueue');
    w.end();
  });

  it('what lo sends it receives, counting both directions', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const lo = w.dev(net, 'lo');
    const got: number[] = [];
    const remove = w.core.handlers.add({ name: 'ip', etherType: 0x0800, receive: (f) => got.push(f.length) });
    const frame = new Uint8Array(98);
    frame[12] = 0x08;
    expect(lo.transmit(frame)).toBe(true);
    expect(got).toEqual([]);
    w.kernel.clock.runUntilIdle();
    expect(got).toEqual([98]);
    // loopback_xmit counts skb->len after eth_type_trans: 84, not 98 (6.18: two pings of
    // 127.0.0.1 show `lo: 336 4 ... 336 4` in /proc/net/dev).
    expect([lo.stats[STAT.tx_packets], lo.stats[STAT.tx_bytes], lo.stats[STAT.rx_packets], lo.stats[STAT.rx_bytes]]).toEqual([1, 84, 1, 84]);
    remove();
    w.end();
  });

  it('cannot move: EINVAL "The interface netns is immutable."', () => {
    const w = world();
    const { sh } = w.ns('a');
    w.ns('b');
    const e = netErrorOf(() => w.withFd(sh, 'b', (fd) => w.links.set(sh, 'lo', { netns: { fd } })));
    expect(e.code).toBe('EINVAL');
    expect(e.message).toBe('Error: The interface netns is immutable.');
    w.end();
  });

  it('cannot be deleted: EOPNOTSUPP', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    expect(netErrorOf(() => w.links.del(sh, 'lo')).code).toBe('EOPNOTSUPP');
    expect(listing(w, net)).toEqual(['1: lo']);
    w.end();
  });

  it('comes up after every subsystem and goes away last among devices', () => {
    const w = world();
    expect(w.kernel.pernetOps.map((o) => `${o.kind}:${o.name}`)).toEqual([
      'subsys:netdev',
      'subsys:ifindex',
      'device:loopback',
      'device:default-device',
    ]);
    const order: string[] = [];
    const unsubscribe = w.core.chain.subscribe({ name: 't', onEvent: (e, d) => order.push(`${e}:${d.name}`) });
    const { sh } = w.ns('a');
    w.links.add(sh, { kind: 'dummy', name: 'd0' });
    sh.exit();
    w.kernel.netns.del('a');
    w.kernel.clock.runUntilIdle();
    expect(order).toEqual(['register:lo', 'register:d0', 'unregister:d0', 'unregister:lo']);
    unsubscribe();
    w.end();
  });

  it("before 'loopback-per-ns' a new namespace has no lo", () => {
    const w = world({ stages: 'net-ns-clone' });
    const net = w.kernel.netns.add('a');
    expect(w.core.devices(net)).toEqual([]);
    expect(w.core.loopback(w.kernel.initNet)?.ifindex).toBe(1);
    w.end();
  });

  it("before 'ifindex-per-ns' one counter serves the kernel: a child's lo is not ifindex 1 (v2.6.24)", () => {
    const w = world({ stages: 'virt-dev-delete-on-exit', devices: { nics: ['eth0'] } });
    const { net } = w.ns('a');
    expect(listing(w, w.kernel.initNet)).toEqual(['1: lo', '2: eth0']);
    expect(listing(w, net)).toEqual(['3: lo']);
    w.end();
  });
});

describe('a device at rest (counters, multicast list and backlog come with first use)', () => {
  it('a fresh lo, up, reads all-zero counters, an empty multicast list and an empty backlog', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const lo = w.dev(net, 'lo');
    expect(lo.getStats()).toEqual(new Float64Array(STAT_COUNT));
    expect(linkInfo(lo).stats).toEqual(new Float64Array(STAT_COUNT));
    expect(lo.multicastList()).toEqual([]);
    expect(lo.backlog).toBe(0);
    expect(lo.stats).toEqual(new Float64Array(STAT_COUNT));
    w.end();
  });

  it('getStats is a copy; stats is the live array, the same one counting writes', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const lo = w.dev(net, 'lo');
    const before = lo.getStats();
    before[STAT.tx_packets] = 7;
    expect(lo.getStats()[STAT.tx_packets]).toBe(0);
    const frame = new Uint8Array(98);
    frame[12] = 0x08;
    lo.transmit(frame);
    w.kernel.clock.runUntilIdle();
    const live = lo.stats;
    expect(live[STAT.tx_packets]).toBe(1);
    lo.transmit(frame);
    expect(live[STAT.tx_packets]).toBe(2);
    // No handler takes the frames: each is counted in rx_dropped when dispatched.
    expect(live[STAT.rx_dropped]).toBe(1);
    live[STAT.rx_dropped] = 5;
    expect(lo.getStats()[STAT.rx_dropped]).toBe(5);
    w.kernel.clock.runUntilIdle();
    expect(lo.getStats()[STAT.rx_dropped]).toBe(6);
    w.end();
  });

  it('the multicast list is empty after its last entry goes, and can be joined again', () => {
    const w = world();
    const { net } = w.ns('a');
    const lo = w.dev(net, 'lo');
    lo.mcAdd(0x01005e000001);
    lo.mcDel(0x01005e000001);
    lo.mcDel(0x01005e000001);
    expect(lo.multicastList()).toEqual([]);
    lo.mcAdd(0x01005e000002);
    expect(lo.multicastList()).toEqual([{ address: 0x01005e000002, users: 1, globalUse: 0 }]);
    w.end();
  });

  it('a backlog of more than 16 frames grows and keeps their order', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const lo = w.dev(net, 'lo');
    const got: number[] = [];
    const remove = w.core.handlers.add({ name: 'ip', etherType: 0x0800, receive: (f) => got.push(f[20] ?? -1) });
    for (let i = 0; i < 40; i++) {
      const frame = new Uint8Array(60);
      frame[12] = 0x08;
      frame[20] = i;
      lo.transmit(frame);
    }
    expect(lo.backlog).toBe(40);
    w.kernel.clock.runUntilIdle();
    expect(got).toEqual([...Array(40).keys()]);
    expect(lo.backlog).toBe(0);
    remove();
    w.end();
  });
});
