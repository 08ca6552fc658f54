import { describe, expect, it } from 'vitest';
import { RT_TABLE, ipv4ToString } from '../src/index.js';
import { ip, netErrorOf, routeLine, world } from './support.js';

function setup() {
  const w = world();
  const a = w.ns('a');
  const b = w.ns('b');
  w.links.set(a.sh, 'lo', { up: true });
  w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'v0', peer: { name: 'v1', netns: { fd } } }));
  w.links.set(a.sh, 'v0', { up: true });
  w.links.set(b.sh, 'v1', { up: true });
  w.inet.addAddress(a.sh, 'v0', { local: ip('10.200.0.1'), prefixLen: 24 });
  return { w, sh: a.sh };
}

describe('user routes (6.18 facts §4)', () => {
  it('gateways, types, metrics, src and replace, listed as ip route shows them', () => {
    const { w, sh } = setup();
    const add = (req: Parameters<typeof w.inet.addRoute>[1], mode?: 'add' | 'replace') => w.inet.addRoute(sh, req, mode);
    add({ dst: ip('10.99.0.0'), prefixLen: 16, gateway: ip('10.200.0.254') });
    const dup = netErrorOf(() => add({ dst: ip('10.99.0.0'), prefixLen: 16, gateway: ip('10.200.0.254') }));
    expect(dup.code).toBe('EEXIST');
    add({ dst: 0, prefixLen: 0, gateway: ip('10.200.0.254') });
    add({ dst: ip('10.50.0.0'), prefixLen: 16, type: 'blackhole' });
    add({ dst: ip('10.51.0.0'), prefixLen: 16, type: 'unreachable' });
    add({ dst: ip('10.52.0.0'), prefixLen: 16, type: 'prohibit' });
    add({ dst: ip('10.53.0.0'), prefixLen: 16, dev: 'v0', metric: 100 });
    add({ dst: ip('10.53.0.0'), prefixLen: 16, dev: 'v0', metric: 200 });
    add({ dst: ip('10.54.0.0'), prefixLen: 16, dev: 'v0', prefsrc: ip('10.200.0.1') });
    const src = netErrorOf(() => add({ dst: ip('10.55.0.0'), prefixLen: 16, dev: 'v0', prefsrc: ip('10.9.9.9') }));
    expect([src.code, src.message]).toEqual(['EINVAL', 'Error: Invalid prefsrc address.']);
    add({ dst: ip('10.53.0.0'), prefixLen: 16, dev: 'v0', metric: 100, gateway: ip('10.200.0.253') }, 'replace');
    expect(w.inet.showRoutes(sh).map(routeLine)).toEqual([
      'default via 10.200.0.254 dev v0',
      'blackhole 10.50.0.0/16',
      'unreachable 10.51.0.0/16',
      'prohibit 10.52.0.0/16',
      '10.53.0.0/16 via 10.200.0.253 dev v0 metric 100',
      '10.53.0.0/16 dev v0 scope link metric 200',
      '10.54.0.0/16 dev v0 scope link src 10.200.0.1',
      '10.99.0.0/16 via 10.200.0.254 dev v0',
      '10.200.0.0/24 dev v0 proto kernel scope link src 10.200.0.1',
    ]);
    // table all: main first, then local.
    const all = w.inet.showRoutes(sh, 'all');
    expect(all.slice(0, 9).every((r) => r.table === RT_TABLE.MAIN)).toBe(true);
    expect(all.slice(9).every((r) => r.table === RT_TABLE.LOCAL)).toBe(true);
    w.inet.deleteRoute(sh, { dst: ip('10.53.0.0'), prefixLen: 16, metric: 200 });
    expect(w.inet.showRoutes(sh).map(routeLine)).not.toContain('10.53.0.0/16 dev v0 scope link metric 200');
    w.end();
  });

  it('refusals: a prefix with host bits, a gateway on another device, a device that is down', () => {
    const { w, sh } = setup();
    const host = netErrorOf(() => w.inet.addRoute(sh, { dst: ip('10.60.0.1'), prefixLen: 16, dev: 'v0' }));
    expect([host.code, host.message]).toEqual(['EINVAL', 'Error: Invalid prefix for given prefix length.']);
    w.links.add(sh, { kind: 'veth', name: 'x0', peer: { name: 'x1' } });
    const other = netErrorOf(() => w.inet.addRoute(sh, { dst: ip('10.61.0.0'), prefixLen: 16, gateway: ip('10.200.0.254'), dev: 'x0' }));
    expect(other.code).toBe('ENETUNREACH');
    const down = netErrorOf(() => w.inet.addRoute(sh, { dst: ip('10.62.0.0'), prefixLen: 16, dev: 'x0' }));
    expect([down.code, down.message]).toEqual(['ENETDOWN', 'Error: Device for nexthop is not up.']);
    const nodev = netErrorOf(() => w.inet.addRoute(sh, { dst: ip('10.63.0.0'), prefixLen: 16, dev: 'nosuch0' }));
    expect(nodev.message).toBe('Cannot find device "nosuch0"');
    expect(w.inet.showRoutes(sh).map(routeLine)).toEqual(['10.200.0.0/24 dev v0 proto kernel scope link src 10.200.0.1']);
    w.end();
  });

  it('a device going down takes its user routes too; coming up brings back only the kernel ones', () => {
    const { w, sh } = setup();
    w.inet.addRoute(sh, { dst: ip('10.99.0.0'), prefixLen: 16, gateway: ip('10.200.0.254') });
    w.inet.addRoute(sh, { dst: ip('10.50.0.0'), prefixLen: 16, type: 'blackhole' });
    w.links.set(sh, 'v0', { up: false });
    expect(w.inet.showRoutes(sh).map(routeLine)).toEqual(['blackhole 10.50.0.0/16']);
    w.links.set(sh, 'v0', { up: true });
    expect(w.inet.showRoutes(sh).map(routeLine)).toEqual([
      'blackhole 10.50.0.0/16',
      '10.200.0.0/24 dev v0 proto kernel scope link src 10.200.0.1',
    ]);
    w.end();
  });
});

describe('ip route get (6.18 facts §5)', () => {
  it('longest prefix wins; local destinations leave by lo; broadcasts are broadcast', () => {
    const { w, sh } = setup();
    w.inet.addRoute(sh, { dst: ip('10.99.0.0'), prefixLen: 16, gateway: ip('10.200.0.254') });
    w.inet.addRoute(sh, { dst: ip('10.99.1.0'), prefixLen: 24, gateway: ip('10.200.0.253') });
    w.inet.addRoute(sh, { dst: 0, prefixLen: 0, gateway: ip('10.200.0.250') });
    const get = (a: string) => {
      const r = w.inet.routeGet(sh, ip(a));
      return `${r.type} ${r.route.gateway ? `via ${ipv4ToString(r.route.gateway)} ` : ''}dev ${r.dev?.name} src ${ipv4ToString(r.src)}`;
    };
    expect(get('10.200.0.2')).toBe('unicast dev v0 src 10.200.0.1');
    expect(get('10.99.2.1')).toBe('unicast via 10.200.0.254 dev v0 src 10.200.0.1');
    expect(get('10.99.1.1')).toBe('unicast via 10.200.0.253 dev v0 src 10.200.0.1');
    expect(get('8.8.8.8')).toBe('unicast via 10.200.0.250 dev v0 src 10.200.0.1');
    expect(get('10.200.0.1')).toBe('local dev lo src 10.200.0.1');
    expect(get('127.0.0.1')).toBe('local dev lo src 127.0.0.1');
    expect(get('10.200.0.255')).toBe('broadcast dev v0 src 10.200.0.1');
    expect(get('255.255.255.255')).toBe('broadcast via 10.200.0.250 dev v0 src 10.200.0.1');
    expect(get('10.200.0.0')).toBe('unicast dev v0 src 10.200.0.1');
    w.end();
  });

  it('errors: no route ENETUNREACH, unreachable EHOSTUNREACH, prohibit EACCES, blackhole EINVAL', () => {
    const { w, sh } = setup();
    w.inet.addRoute(sh, { dst: ip('10.50.0.0'), prefixLen: 16, type: 'blackhole' });
    w.inet.addRoute(sh, { dst: ip('10.51.0.0'), prefixLen: 16, type: 'unreachable' });
    w.inet.addRoute(sh, { dst: ip('10.52.0.0'), prefixLen: 16, type: 'prohibit' });
    const code = (a: string) => netErrorOf(() => w.inet.routeGet(sh, ip(a))).message;
    expect(code('8.8.8.8')).toBe('Network is unreachable');
    expect(code('10.51.1.1')).toBe('No route to host');
    expect(code('10.52.1.1')).toBe('Permission denied');
    expect(code('10.50.1.1')).toBe('Invalid argument');
    w.end();
  });

  it('a fresh namespace: even 127.0.0.1 is unreachable until lo is up', () => {
    const w = world();
    const { sh } = w.ns('a');
    expect(netErrorOf(() => w.inet.routeGet(sh, ip('127.0.0.1'))).code).toBe('ENETUNREACH');
    w.end();
  });
});
