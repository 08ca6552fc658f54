import { describe, expect, it } from 'vitest';
import { netdev } from '@netstage/devices';
import { RT_TABLE, ipv4, ipv4ToString, type AddrInfo } from '../src/index.js';
import { ip, netErrorOf, routeLine, world, type World } from './support.js';

function addrLines(info: AddrInfo | undefined): string[] {
  return (info?.addrs ?? []).map(
    (a) =>
      `${ipv4ToString(a.local)}/${a.prefixLen}${a.broadcast !== 0 ? ` brd ${ipv4ToString(a.broadcast)}` : ''} scope ${a.scope === 254 ? 'host' : a.scope === 253 ? 'link' : 'global'}${a.secondary ? ' secondary' : ''} ${a.label}`,
  );
}

/** Facts §3: rsch-a with lo up and v0 (peer in b) up. */
function setup(): World & { sh: ReturnType<World['ns']>['sh'] } {
  const w = world();
  const a = w.ns('a');
  const b = w.ns('b');
  w.links.set(a.sh, 'lo', { up: true });
  w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'v0', peer: { name: 'v1', netns: { fd } } }));
  w.links.set(a.sh, 'v0', { up: true });
  w.links.set(b.sh, 'v1', { up: true });
  return Object.assign(w, { sh: a.sh });
}

describe('primary and secondary addresses (6.18 facts §3)', () => {
  it('secondaries of a subnet follow every primary; each gets only its local route, sourced from its primary', () => {
    const w = setup();
    for (const [a, len] of [['10.200.0.1', 24], ['10.200.0.2', 24], ['10.200.0.3', 24], ['10.201.0.1', 16]] as const) {
      w.inet.addAddress(w.sh, 'v0', { local: ip(a), prefixLen: len });
    }
    expect(addrLines(w.inet.showAddresses(w.sh, 'v0')[0])).toEqual([
      '10.200.0.1/24 scope global v0',
      '10.201.0.1/16 scope global v0',
      '10.200.0.2/24 scope global secondary v0',
      '10.200.0.3/24 scope global secondary v0',
    ]);
    expect(w.inet.showRoutes(w.sh, RT_TABLE.LOCAL).map(routeLine)).toEqual([
      'local 10.200.0.1 dev v0 proto kernel scope host src 10.200.0.1',
      'local 10.200.0.2 dev v0 proto kernel scope host src 10.200.0.1',
      'local 10.200.0.3 dev v0 proto kernel scope host src 10.200.0.1',
      'broadcast 10.200.0.255 dev v0 proto kernel scope link src 10.200.0.1',
      'local 10.201.0.1 dev v0 proto kernel scope host src 10.201.0.1',
      'broadcast 10.201.255.255 dev v0 proto kernel scope link src 10.201.0.1',
      'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1',
      'broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1',
    ]);
    expect(w.inet.showRoutes(w.sh).map(routeLine)).toEqual([
      '10.200.0.0/24 dev v0 proto kernel scope link src 10.200.0.1',
      '10.201.0.0/16 dev v0 proto kernel scope link src 10.201.0.1',
    ]);

    // promote_secondaries = 0 (the default): the primary takes its secondaries with it.
    w.inet.deleteAddress(w.sh, 'v0', ip('10.200.0.1'), 24);
    expect(addrLines(w.inet.showAddresses(w.sh, 'v0')[0])).toEqual(['10.201.0.1/16 scope global v0']);
    expect(w.inet.showRoutes(w.sh, RT_TABLE.LOCAL).map(routeLine).slice(0, 2)).toEqual([
      'local 10.201.0.1 dev v0 proto kernel scope host src 10.201.0.1',
      'broadcast 10.201.255.255 dev v0 proto kernel scope link src 10.201.0.1',
    ]);
    expect(w.inet.showRoutes(w.sh).map(routeLine)).toEqual(['10.201.0.0/16 dev v0 proto kernel scope link src 10.201.0.1']);
    w.end();
  });

  it('with promote_secondaries the first secondary takes the primary\'s place and its routes', () => {
    const w = setup();
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.201.0.1'), prefixLen: 16 });
    const v0 = netdev(w.kernel).byName(w.sh.net, 'v0');
    const inDev = v0 === undefined ? undefined : ipv4(w.kernel).inDevice(v0);
    if (inDev === undefined) throw new Error('no in_device');
    inDev.conf.promoteSecondaries = 1;
    for (const a of ['10.200.0.1', '10.200.0.2', '10.200.0.3']) w.inet.addAddress(w.sh, 'v0', { local: ip(a), prefixLen: 24 });
    w.inet.deleteAddress(w.sh, 'v0', ip('10.200.0.1'), 24);
    expect(addrLines(w.inet.showAddresses(w.sh, 'v0')[0])).toEqual([
      '10.201.0.1/16 scope global v0',
      '10.200.0.2/24 scope global v0',
      '10.200.0.3/24 scope global secondary v0',
    ]);
    expect(w.inet.showRoutes(w.sh, RT_TABLE.LOCAL).map(routeLine).slice(0, 3)).toEqual([
      'local 10.200.0.2 dev v0 proto kernel scope host src 10.200.0.2',
      'local 10.200.0.3 dev v0 proto kernel scope host src 10.200.0.2',
      'broadcast 10.200.0.255 dev v0 proto kernel scope link src 10.200.0.2',
    ]);
    expect(w.inet.showRoutes(w.sh).map(routeLine)).toEqual([
      '10.200.0.0/24 dev v0 proto kernel scope link src 10.200.0.2',
      '10.201.0.0/16 dev v0 proto kernel scope link src 10.201.0.1',
    ]);
    w.end();
  });

  it('brd, /32, /31, labels, and a second scope in one subnet', () => {
    const w = setup();
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.5'), prefixLen: 24, broadcast: ip('10.200.0.255') });
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.6'), prefixLen: 24, broadcast: ip('10.200.0.99') });
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.9'), prefixLen: 24, label: 'v0:foo' });
    const scope = netErrorOf(() => w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.10'), prefixLen: 24, scope: 253 }));
    expect([scope.code, scope.message]).toEqual(['EINVAL', 'Error: ipv4: Invalid scope value.']);
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.210.0.7'), prefixLen: 32 });
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.220.0.8'), prefixLen: 31 });
    // The same address with another prefix is another address.
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.5'), prefixLen: 16 });
    expect(addrLines(w.inet.showAddresses(w.sh, 'v0')[0])).toEqual([
      '10.200.0.5/24 brd 10.200.0.255 scope global v0',
      '10.210.0.7/32 scope global v0',
      '10.220.0.8/31 scope global v0',
      '10.200.0.5/16 scope global v0',
      '10.200.0.6/24 brd 10.200.0.99 scope global secondary v0',
      '10.200.0.9/24 scope global secondary v0:foo',
    ]);
    const local = w.inet.showRoutes(w.sh, RT_TABLE.LOCAL).map(routeLine);
    expect(local).toContain('broadcast 10.200.0.99 dev v0 proto kernel scope link src 10.200.0.5');
    expect(local).toContain('local 10.210.0.7 dev v0 proto kernel scope host src 10.210.0.7');
    expect(local.filter((l) => l.includes('10.210.'))).toHaveLength(1); // /32: local only
    expect(local.filter((l) => l.includes('10.220.'))).toEqual(['local 10.220.0.8 dev v0 proto kernel scope host src 10.220.0.8']); // /31: no broadcast
    expect(w.inet.showRoutes(w.sh).map(routeLine)).toContain('10.220.0.8/31 dev v0 proto kernel scope link src 10.220.0.8');
    // Renaming the device renames the labels, keeping aliases' suffixes.
    w.links.set(w.sh, 'v0', { name: 'v7' });
    expect(addrLines(w.inet.showAddresses(w.sh, 'v7')[0]).at(-1)).toBe('10.200.0.9/24 scope global secondary v7:foo');
    w.inet.flushAddresses(w.sh, 'v7');
    expect(w.inet.showAddresses(w.sh, 'v7')[0]?.addrs).toEqual([]);
    expect(w.inet.showRoutes(w.sh)).toEqual([]);
    w.end();
  });

  it('an address on a down device brings only its local route; up brings the rest, down takes them again', () => {
    const w = world();
    const a = w.ns('a');
    w.ns('b');
    w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'v0', peer: { name: 'v1', netns: { fd } } }));
    w.inet.addAddress(a.sh, 'v0', { local: ip('10.200.0.1'), prefixLen: 24 });
    expect(w.inet.showRoutes(a.sh, RT_TABLE.LOCAL).map(routeLine)).toEqual(['local 10.200.0.1 dev v0 proto kernel scope host src 10.200.0.1']);
    expect(w.inet.showRoutes(a.sh)).toEqual([]);
    w.links.set(a.sh, 'v0', { up: true });
    expect(w.inet.showRoutes(a.sh, RT_TABLE.LOCAL)).toHaveLength(2);
    expect(w.inet.showRoutes(a.sh)).toHaveLength(1);
    w.links.set(a.sh, 'v0', { up: false });
    expect(w.inet.showRoutes(a.sh, RT_TABLE.LOCAL).map(routeLine)).toEqual(['local 10.200.0.1 dev v0 proto kernel scope host src 10.200.0.1']);
    expect(w.inet.showRoutes(a.sh)).toEqual([]);
    expect(w.inet.showAddresses(a.sh, 'v0')[0]?.addrs).toHaveLength(1);
    w.end();
  });

  it('lo down keeps its address and local routes, loses the broadcast route; a deleted 127.0.0.1 comes back on the next up', () => {
    const w = world();
    const { sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    w.links.set(sh, 'lo', { up: false });
    expect(w.inet.showRoutes(sh, RT_TABLE.LOCAL).map(routeLine)).toEqual([
      'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1',
    ]);
    w.links.set(sh, 'lo', { up: true });
    expect(w.inet.showRoutes(sh, RT_TABLE.LOCAL)).toHaveLength(3);
    expect(w.inet.showAddresses(sh, 'lo')[0]?.addrs).toHaveLength(1);
    w.inet.deleteAddress(sh, 'lo', ip('127.0.0.1'), 8);
    expect(w.inet.showAddresses(sh, 'lo')[0]?.addrs).toEqual([]);
    w.links.set(sh, 'lo', { up: false });
    w.links.set(sh, 'lo', { up: true });
    expect(w.inet.showAddresses(sh, 'lo')[0]?.addrs.map((x) => ipv4ToString(x.local))).toEqual(['127.0.0.1']);
    w.end();
  });

  it('a refused address request changes nothing', () => {
    const w = setup();
    w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.1'), prefixLen: 24 });
    const before = [addrLines(w.inet.showAddresses(w.sh, 'v0')[0]), w.inet.showRoutes(w.sh, 'all').map(routeLine)];
    for (const call of [
      () => w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.1'), prefixLen: 24 }),
      () => w.inet.addAddress(w.sh, 'v0', { local: ip('10.200.0.9'), prefixLen: 33 }),
      () => w.inet.addAddress(w.sh, 'nosuch0', { local: ip('10.200.0.9'), prefixLen: 24 }),
      () => w.inet.deleteAddress(w.sh, 'v0', ip('10.200.0.1'), 16),
    ]) {
      netErrorOf(call);
      expect([addrLines(w.inet.showAddresses(w.sh, 'v0')[0]), w.inet.showRoutes(w.sh, 'all').map(routeLine)]).toEqual(before);
    }
    expect(netErrorOf(() => w.inet.addAddress(w.sh, 'nosuch0', { local: 1, prefixLen: 8 })).message).toBe('Cannot find device "nosuch0"');
    w.end();
  });
});
