// The hardware multicast list of a device (dev->mc): dev_mc_add/dev_mc_del with users, the
// all-nodes group addrconf joins at registration even with IPv6 disabled, and the flush
// on a move (6.18 captures of /proc/net/dev_mcast).
import { describe, expect, it } from 'vitest';
import { MAC_IPV6_ALL_NODES, macToString } from '../src/index.js';
import { world } from './support.js';

describe('device multicast list', () => {
  it('an Ethernet device has 33:33:00:00:00:01 from registration, up or down; lo has nothing', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'm0', peer: { name: 'm1' } });
    const m0 = w.dev(net, 'm0');
    expect(m0.multicastList()).toEqual([{ address: MAC_IPV6_ALL_NODES, users: 1, globalUse: 0 }]);
    w.links.set(sh, 'm0', { up: true });
    w.links.set(sh, 'lo', { up: true });
    expect(m0.multicastList().map((e) => macToString(e.address))).toEqual(['33:33:00:00:00:01']);
    expect(w.dev(net, 'lo').multicastList()).toEqual([]);
    w.end();
  });

  it('counts users per address, keeps join order, and drops an entry with its last user', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'm0', peer: { name: 'm1' } });
    const m0 = w.dev(net, 'm0');
    m0.mcAdd(0x01005e000001);
    m0.mcAdd(0x01005e000001);
    expect(m0.multicastList().map((e) => [macToString(e.address), e.users])).toEqual([
      ['33:33:00:00:00:01', 1],
      ['01:00:5e:00:00:01', 2],
    ]);
    m0.mcDel(0x01005e000001);
    expect(m0.multicastList().map((e) => e.users)).toEqual([1, 1]);
    m0.mcDel(0x01005e000001);
    m0.mcDel(0x01005e0000ff);
    expect(m0.multicastList().map((e) => e.address)).toEqual([MAC_IPV6_ALL_NODES]);
    w.end();
  });

  it('a move flushes the list; registration in the new namespace joins all-nodes again', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.add(a.sh, { kind: 'veth', name: 'm0', peer: { name: 'm1' } });
    const m1 = w.dev(a.net, 'm1');
    m1.mcAdd(0x01005e000001);
    const fd = w.kernel.netns.open('b', a.sh);
    w.links.set(a.sh, 'm1', { netns: { fd } });
    a.sh.close(fd);
    expect(m1.net).toBe(b.net);
    expect(m1.multicastList()).toEqual([{ address: MAC_IPV6_ALL_NODES, users: 1, globalUse: 0 }]);
    w.end();
  });
});
