import { describe, expect, it } from 'vitest';
import { RT_TABLE } from '../src/index.js';
import { ip, netErrorOf, routeLine, world } from './support.js';

describe('a brand-new namespace (transcript 4.A, reference §3.1)', () => {
  it('has no local table, an empty main table, and lo without addresses', () => {
    const w = world();
    const { sh } = w.ns('rsch-a');
    const e = netErrorOf(() => w.inet.showRoutes(sh, RT_TABLE.LOCAL));
    expect([e.code, e.message]).toEqual(['ENOENT', 'Error: ipv4: FIB table does not exist.']);
    expect(w.inet.showRoutes(sh, RT_TABLE.MAIN)).toEqual([]);
    expect(w.inet.showAddresses(sh).map((a) => [a.dev.name, a.addrs.length])).toEqual([['lo', 0]]);
    w.end();
  });

  it('lo up brings 127.0.0.1/8 scope host and the three local routes', () => {
    const w = world();
    const { sh } = w.ns('rsch-a');
    w.links.set(sh, 'lo', { up: true });
    const [lo] = w.inet.showAddresses(sh);
    expect(lo?.addrs.map((a) => [a.local, a.prefixLen, a.scope, a.label])).toEqual([[ip('127.0.0.1'), 8, 254, 'lo']]);
    expect(w.inet.showRoutes(sh, RT_TABLE.LOCAL).map(routeLine)).toEqual([
      'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1',
      'broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1',
    ]);
    w.end();
  });
});

describe('two namespaces joined by a veth pair (transcript 4.B)', () => {
  it('routes as ip route shows them', () => {
    const w = world();
    const a = w.ns('rsch-a');
    w.ns('rsch-b');
    w.links.set(a.sh, 'lo', { up: true });
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
    w.inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 });
    w.links.set(a.sh, 'veth0', { up: true });
    expect(w.inet.showRoutes(a.sh).map(routeLine)).toEqual(['10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1']);
    expect(w.inet.showRoutes(a.sh, RT_TABLE.LOCAL).map(routeLine)).toEqual([
      'local 10.200.0.1 dev veth0 proto kernel scope host src 10.200.0.1',
      'broadcast 10.200.0.255 dev veth0 proto kernel scope link src 10.200.0.1',
      'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1',
      'broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1',
    ]);
    const [, veth0] = w.inet.showAddresses(a.sh);
    expect(veth0?.addrs.map((x) => [x.local, x.prefixLen, x.scope, x.label, x.broadcast])).toEqual([[ip('10.200.0.1'), 24, 0, 'veth0', 0]]);
    w.end();
  });
});

describe('ip errors (transcript 4.C, reference §5)', () => {
  it('address twice, address missing, route twice, unreachable gateway, route missing', () => {
    const w = world();
    const a = w.ns('rsch-a');
    w.ns('rsch-b');
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
    w.inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 });
    w.links.set(a.sh, 'veth0', { up: true });
    const twice = netErrorOf(() => w.inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 }));
    expect([twice.code, twice.message]).toEqual(['EEXIST', 'Error: ipv4: Address already assigned.']);
    const missing = netErrorOf(() => w.inet.deleteAddress(a.sh, 'veth0', ip('10.200.0.77'), 24));
    expect([missing.code, missing.message]).toEqual(['EADDRNOTAVAIL', 'Error: ipv4: Address not found.']);
    const exists = netErrorOf(() => w.inet.addRoute(a.sh, { dst: ip('10.200.0.0'), prefixLen: 24, dev: 'veth0' }));
    expect([exists.code, exists.message]).toEqual(['EEXIST', 'File exists']);
    const gw = netErrorOf(() => w.inet.addRoute(a.sh, { dst: ip('10.99.0.0'), prefixLen: 16, gateway: ip('10.250.0.1') }));
    expect([gw.code, gw.message]).toEqual(['ENETUNREACH', 'Error: Nexthop has invalid gateway.']);
    const del = netErrorOf(() => w.inet.deleteRoute(a.sh, { dst: ip('10.98.0.0'), prefixLen: 16 }));
    expect([del.code, del.message]).toEqual(['ESRCH', 'No such process']);
    expect(w.inet.showRoutes(a.sh).map(routeLine)).toEqual(['10.200.0.0/24 dev veth0 proto kernel scope link src 10.200.0.1']);
    w.end();
  });
});

describe('moving a device takes its addresses and routes away (transcript 4.D)', () => {
  it('mv0peer arrives in rsch-b DOWN and without 10.201.0.1/24; rsch-a keeps no route through it', () => {
    const w = world();
    const a = w.ns('rsch-a');
    const b = w.ns('rsch-b');
    w.links.add(a.sh, { kind: 'veth', name: 'mv0', peer: { name: 'mv0peer' } });
    w.inet.addAddress(a.sh, 'mv0peer', { local: ip('10.201.0.1'), prefixLen: 24 });
    w.links.set(a.sh, 'mv0peer', { up: true });
    expect(w.inet.showRoutes(a.sh).map(routeLine)).toEqual(['10.201.0.0/24 dev mv0peer proto kernel scope link src 10.201.0.1']);
    w.withFd(a.sh, 'rsch-b', (fd) => w.links.set(a.sh, 'mv0peer', { netns: { fd } }));
    expect(w.inet.showAddresses(b.sh, 'mv0peer')[0]?.addrs).toEqual([]);
    expect(w.inet.showRoutes(a.sh)).toEqual([]);
    expect(w.inet.showRoutes(a.sh, RT_TABLE.LOCAL)).toEqual([]);
    w.end();
  });
});
