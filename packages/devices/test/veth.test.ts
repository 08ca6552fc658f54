import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { ETH_P_IP, IFF, STAT, VethDevice, devicesLayer, macToString, netdev, LinkControl } from '../src/index.js';
import { listing, netErrorOf, world } from './support.js';

const UPPED = IFF.BROADCAST | IFF.MULTICAST | IFF.UP;

function ipFrame(length = 98): Uint8Array {
  const f = new Uint8Array(length);
  f.fill(0xff, 0, 6);
  f[12] = 0x08;
  return f;
}

describe('veth pairs', () => {
  it('in one namespace the peer is registered first (k1 = N, k0 = N + 1)', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'k0', peer: { name: 'k1' } });
    expect(listing(w, net)).toEqual(['1: lo', '2: k1', '3: k0']);
    const k0 = w.links.show(sh, 'k0')[0];
    expect(k0?.peer).toMatchObject({ ifindex: 2, name: 'k1', net });
    w.end();
  });

  it('across namespaces each end takes the next index of its own namespace (transcript 4.B: both 2)', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
    expect(listing(w, a.net)).toEqual(['1: lo', '2: veth0']);
    expect(listing(w, b.net)).toEqual(['1: lo', '2: veth1']);
    expect(w.links.show(a.sh, 'veth0')[0]?.peer).toMatchObject({ ifindex: 2, net: b.net, name: 'veth1' });
    w.end();
  });

  it('default names are veth%d, the peer first', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth' });
    expect(listing(w, net)).toEqual(['1: lo', '2: veth0', '3: veth1']);
    expect(w.links.show(sh, 'veth1')[0]?.peer?.name).toBe('veth0');
    w.end();
  });

  it('carrier only while both ends are up: LOWERLAYERDOWN, then UP with LOWER_UP', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
    const v0 = w.dev(net, 'v0');
    const v1 = w.dev(net, 'v1');
    expect([v0.operstate, v0.flags]).toEqual(['DOWN', IFF.BROADCAST | IFF.MULTICAST]);
    w.links.set(sh, 'v0', { up: true });
    expect([v0.operstate, v0.flags]).toEqual(['LOWERLAYERDOWN', UPPED]);
    w.links.set(sh, 'v1', { up: true });
    expect([v0.operstate, v0.flags]).toEqual(['UP', UPPED | IFF.RUNNING | IFF.LOWER_UP]);
    expect([v1.operstate, v1.flags]).toEqual(['UP', UPPED | IFF.RUNNING | IFF.LOWER_UP]);
    w.links.set(sh, 'v1', { up: false });
    expect([v0.operstate, v0.flags]).toEqual(['LOWERLAYERDOWN', UPPED]);
    w.end();
  });

  it('a frame sent on one end is received on the other, through the event queue, and nowhere else', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    const c = w.ns('c');
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
    w.links.add(c.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1' } });
    for (const [sh, name] of [[a.sh, 'veth0'], [b.sh, 'veth1'], [c.sh, 'veth0'], [c.sh, 'veth1']] as const) {
      w.links.set(sh, name, { up: true });
    }
    const seen: string[] = [];
    const remove = w.core.handlers.add({ name: 'ip', etherType: ETH_P_IP, receive: (f, dev) => seen.push(`${dev.net.id}:${dev.name}:${f.length}`) });
    const veth0 = w.dev(a.net, 'veth0');
    expect(veth0.transmit(ipFrame())).toBe(true);
    expect(seen).toEqual([]);
    w.kernel.clock.runUntilIdle();
    expect(seen).toEqual([`${b.net.id}:veth1:98`]);
    const veth1 = w.dev(b.net, 'veth1');
    expect([veth0.stats[STAT.tx_packets], veth0.stats[STAT.tx_bytes]]).toEqual([1, 98]);
    expect([veth1.stats[STAT.rx_packets], veth1.stats[STAT.rx_bytes]]).toEqual([1, 98]);
    expect(w.dev(c.net, 'veth1').stats[STAT.rx_packets]).toBe(0);
    remove();
    w.end();
  });

  it('with the peer down there is no carrier: the frame dies in the qdisc, uncounted; an oversized one is counted on both ends', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
    w.links.set(sh, 'v0', { up: true });
    const v0 = w.dev(net, 'v0');
    v0.startCapture();
    expect(v0.transmit(ipFrame())).toBe(false);
    expect(v0.stats[STAT.tx_dropped]).toBe(0);
    expect(v0.captured()).toEqual([]);
    w.links.set(sh, 'v1', { up: true });
    expect(v0.transmit(ipFrame(1515))).toBe(false);
    expect(v0.stats[STAT.tx_dropped]).toBe(1);
    expect(w.dev(net, 'v1').stats[STAT.rx_dropped]).toBe(1);
    expect(v0.transmit(ipFrame(1514))).toBe(true);
    w.end();
  });

  it('deleting one end deletes both', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
    const veth0 = w.dev(a.net, 'veth0') as VethDevice;
    w.links.del(b.sh, 'veth1');
    expect(listing(w, a.net)).toEqual(['1: lo']);
    expect(listing(w, b.net)).toEqual(['1: lo']);
    expect(veth0.peer).toBeUndefined();
    expect(veth0.transmit(ipFrame())).toBe(false);
    w.end();
  });

  it('a peer placed by handle and one placed by pid both land (gVisor #14510)', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'h0', peer: { name: 'h1', netns: { fd } } }));
    w.links.add(a.sh, { kind: 'veth', name: 'p0', peer: { name: 'p1', netns: { pid: b.sh.pid } } });
    expect(listing(w, b.net)).toEqual(['1: lo', '2: h1', '3: p1']);
    expect(listing(w, a.net)).toEqual(['1: lo', '2: h0', '3: p0']);
    w.end();
  });

  it('a refused create leaves nothing behind (gVisor #14511)', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.add(b.sh, { kind: 'dummy', name: 'taken' });
    const before = [listing(w, a.net), listing(w, b.net)];
    const cases: [string, () => unknown, string][] = [
      ['peer name taken in the peer namespace', () => w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'x0', peer: { name: 'taken', netns: { fd } } })), 'EEXIST'],
      ['same name for both ends', () => w.links.add(a.sh, { kind: 'veth', name: 'same', peer: { name: 'same' } }), 'EEXIST'],
      ['name too long', () => w.links.add(a.sh, { kind: 'veth', name: '0123456789abcdef', peer: { name: 'ok' } }), 'EINVAL'],
      ['peer MTU too small', () => w.links.add(a.sh, { kind: 'veth', name: 'x0', peer: { name: 'x1', mtu: 10 } }), 'EINVAL'],
      ['multicast MAC', () => w.links.add(a.sh, { kind: 'veth', name: 'x0', address: 0x01_00_5e_00_00_01 }), 'EADDRNOTAVAIL'],
      ['peer namespace by a missing pid', () => w.links.add(a.sh, { kind: 'veth', name: 'x0', peer: { netns: { pid: 4242 } } }), 'ESRCH'],
    ];
    for (const [what, call, code] of cases) {
      expect(`${what}: ${netErrorOf(call).code}`).toBe(`${what}: ${code}`);
      expect([listing(w, a.net), listing(w, b.net)]).toEqual(before);
    }
    w.end();
  });

  it('MACs are seeded: the same seed gives the same addresses, another seed others', () => {
    const macs = (seed: number): string[] => {
      const kernel = Kernel.boot({ seed, layers: [devicesLayer()] });
      new LinkControl(kernel).add(kernel.initTask, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
      return netdev(kernel).devices(kernel.initNet).slice(1).map((d) => macToString(d.mac));
    };
    expect(macs(1)).toEqual(macs(1));
    expect(macs(1)).not.toEqual(macs(2));
    for (const m of macs(3)) expect(Number.parseInt(m.slice(0, 2), 16) & 0b11).toBe(0b10);
  });
});

describe('veth operational state (link-watch, 6.18 facts)', () => {
  it('across namespaces, an end that is up with its peer down is DOWN, not LOWERLAYERDOWN: the peer index is looked up in its own namespace', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.add(a.sh, { kind: 'dummy', name: 'filler' });
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'va', peer: { name: 'vb', netns: { fd } } }));
    w.links.set(b.sh, 'vb', { up: true });
    expect(w.dev(b.net, 'vb').operstate).toBe('DOWN');
    expect(w.dev(b.net, 'vb').flags & IFF.RUNNING).toBe(0);
    w.links.set(a.sh, 'va', { up: true });
    expect(w.dev(b.net, 'vb').operstate).toBe('UP');
    w.links.set(a.sh, 'va', { up: false });
    expect(w.dev(b.net, 'vb').operstate).toBe('DOWN');
    w.end();
  });

  it('…but LOWERLAYERDOWN when a carrier-less device of its own namespace has the peer index (as mv0peer in transcript 4.D)', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.add(a.sh, { kind: 'dummy', name: 'filler' }); // a: 2
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'va', peer: { name: 'vb', netns: { fd } } }));
    expect(w.dev(a.net, 'va').ifindex).toBe(3);
    expect(w.dev(b.net, 'vb').ifindex).toBe(2);
    w.links.add(b.sh, { kind: 'veth', name: 'ghost', peer: { name: 'ghostp' } });
    expect(w.dev(b.net, 'ghostp').ifindex).toBe(3); // same number as vb's peer, in b, carrier off
    w.links.set(b.sh, 'vb', { up: true });
    w.links.set(a.sh, 'va', { up: true });
    expect(w.dev(b.net, 'vb').operstate).toBe('UP');
    w.links.set(a.sh, 'va', { up: false });
    expect(w.dev(b.net, 'vb').operstate).toBe('LOWERLAYERDOWN');
    w.end();
  });

  it('qdisc is noop until first up, then noqueue even after going down; a move starts over', () => {
    const w = world();
    const a = w.ns('a');
    w.ns('b');
    w.links.add(a.sh, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
    const v0 = w.dev(a.net, 'v0');
    expect(v0.qdisc).toBe('noop');
    w.links.set(a.sh, 'v0', { up: true });
    w.links.set(a.sh, 'v0', { up: false });
    expect(v0.qdisc).toBe('noqueue');
    w.withFd(a.sh, 'b', (fd) => w.links.set(a.sh, 'v0', { netns: { fd } }));
    expect(v0.qdisc).toBe('noop');
    w.end();
  });

  it('renames while up (6.2+): lo, veth and dummy', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'v0', peer: { name: 'v1' } });
    w.links.add(sh, { kind: 'dummy', name: 'd0' });
    for (const n of ['lo', 'v0', 'v1', 'd0']) w.links.set(sh, n, { up: true });
    w.links.set(sh, 'lo', { name: 'lo2' });
    w.links.set(sh, 'v0', { name: 'v9' });
    w.links.set(sh, 'd0', { name: 'd9' });
    expect(listing(w, net)).toEqual(['1: lo2', '2: v1', '3: v9', '4: d9']);
    w.end();
  });
});
