// What procfs reads from ipv4, checked against 6.18: IpExt counters (/proc/net/netstat),
// the all-hosts group in the device multicast list (/proc/net/dev_mcast), the main table
// created with the local one (/proc/net/route's header), and the trie's dump order.
import { netdev } from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import { RT_TABLE, ipv4, ipv4Stack } from '../src/index.js';
import { ip, world } from './support.js';

const DATA = new Uint8Array(56);

describe('reads for procfs', () => {
  it('IpExt: a ping of 127.0.0.1 twice counts 336 octets in and out and 4 Not-ECT datagrams (6.18)', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const stack = ipv4Stack(w.kernel);
    stack.sendEcho(net, ip('127.0.0.1'), 1, 1, DATA);
    stack.sendEcho(net, ip('127.0.0.1'), 1, 2, DATA);
    w.kernel.clock.runUntilIdle();
    const mib = stack.snmp(net);
    expect(['InOctets', 'OutOctets', 'InNoECTPkts', 'InBcastPkts'].map((f) => mib.get('IpExt', f))).toEqual([336, 336, 4, 0]);
    w.end();
  });

  it('all-hosts 01:00:5e:00:00:01 joins an Ethernet device while it is up, with or without an address', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    w.links.add(sh, { kind: 'veth', name: 'm0', peer: { name: 'm1' } });
    const m0 = netdev(w.kernel).byName(net, 'm0');
    const groups = (): number[] => m0?.multicastList().map((e) => e.address) ?? [];
    expect(groups()).toEqual([0x3333_0000_0001]);
    w.links.set(sh, 'm0', { up: true });
    expect(groups()).toEqual([0x3333_0000_0001, 0x01005e000001]);
    w.links.set(sh, 'm0', { up: false });
    expect(groups()).toEqual([0x3333_0000_0001]);
    w.links.set(sh, 'lo', { up: true });
    expect(netdev(w.kernel).loopback(net)?.multicastList()).toEqual([]);
    w.end();
  });

  it('the local table brings the main table with it; the dump lists longer prefixes first', () => {
    const w = world();
    const { net, sh } = w.ns('a');
    expect(ipv4(w.kernel).table(net, RT_TABLE.MAIN)).toBeUndefined();
    w.links.set(sh, 'lo', { up: true });
    expect(ipv4(w.kernel).table(net, RT_TABLE.MAIN)?.size).toBe(0);
    w.links.add(sh, { kind: 'veth', name: 'm0', peer: { name: 'm1' } });
    w.links.set(sh, 'm0', { up: true });
    w.links.set(sh, 'm1', { up: true });
    w.inet.addRoute(sh, { dst: ip('10.9.0.0'), prefixLen: 16, dev: 'm0' });
    w.inet.addRoute(sh, { dst: ip('10.9.0.0'), prefixLen: 24, dev: 'm0' });
    expect(w.inet.showRoutes(sh).map((r) => r.prefixLen)).toEqual([24, 16]);
    w.end();
  });
});
