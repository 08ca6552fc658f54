import { Kernel, stagePrefixes, type StageSelection } from '@netstage/core-net';
import { devicesLayer, netdev } from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import { IPV4_STAGES, IPV4_SYSCTLS, RT_TABLE, ipv4, ipv4Layer, ipv4Stages } from '../src/index.js';
import { ip, netErrorOf, world } from './support.js';

const manifest = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] }).manifest;
const prefixes = stagePrefixes(manifest);

/** The prefix just before `id`, and the one with it. */
function around(id: string): { before: StageSelection; on: StageSelection } {
  const i = prefixes.findIndex((p) => p.ids().includes(id));
  const before = prefixes[i - 1];
  const on = prefixes[i];
  if (before === undefined || on === undefined) throw new Error(id);
  return { before, on };
}

describe('the ipv4 stages and their fences (reference §2.1–2.2)', () => {
  it('compose after the devices stages, in upstream order', () => {
    const ids = manifest.stages.map((s) => s.id);
    expect(ids.slice(ids.indexOf('rtnl-link-methods'))).toEqual([
      'rtnl-link-methods',
      'fib-tables-per-ns',
      'fib-route-methods',
      'neigh-per-ns',
      'devinet-conf-per-ns',
      'inetdev-events-per-ns',
      'ipv4-addr-methods',
      'ipv4-route-get',
      'icmp-per-ns',
      'ip-rcv-per-protocol',
      'arp-rcv-per-ns',
      'snmp-per-ns',
      'virt-dev-delete-on-exit',
      'ifindex-per-ns',
    ]);
    expect(ipv4Stages.every((s) => s.subjectVerified === false)).toBe(true);
  });

  it("before 'fib-route-methods': route changes EINVAL, dumps empty; initNet unaffected", () => {
    const w = world({ stages: around(IPV4_STAGES.routeMethods).before });
    const { sh } = w.ns('a');
    expect(w.inet.showRoutes(sh)).toEqual([]);
    expect(netErrorOf(() => w.inet.addRoute(sh, { dst: ip('10.50.0.0'), prefixLen: 16, type: 'blackhole' })).code).toBe('EINVAL');
    w.inet.addRoute(w.kernel.initTask, { dst: ip('10.50.0.0'), prefixLen: 16, type: 'blackhole' });
    expect(w.inet.showRoutes(w.kernel.initTask)).toHaveLength(1);
    w.end();
  });

  it("before 'inetdev-events-per-ns' a child namespace's lo gets no 127.0.0.1 and no routes", () => {
    const w = world({ stages: around(IPV4_STAGES.inetdevEvents).before });
    const { sh, net } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    const lo = netdev(w.kernel).loopback(net);
    expect(lo === undefined ? 'none' : ipv4(w.kernel).inDevice(lo)).toBeUndefined();
    expect(w.inet.showRoutes(sh, 'all')).toEqual([]);
    w.end();
  });

  it("before 'ipv4-addr-methods': address changes EINVAL, dumps empty", () => {
    const w = world({ stages: around(IPV4_STAGES.addrMethods).before });
    const { sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    expect(w.inet.showAddresses(sh)).toEqual([]);
    expect(netErrorOf(() => w.inet.addAddress(sh, 'lo', { local: ip('127.0.0.2'), prefixLen: 8 })).code).toBe('EINVAL');
    // The kernel itself still gave lo its address: routes show it.
    expect(w.inet.showRoutes(sh, RT_TABLE.LOCAL)).toHaveLength(3);
    w.end();
  });

  it("before 'ipv4-route-get': route lookups EINVAL", () => {
    const w = world({ stages: around(IPV4_STAGES.routeGet).before });
    const { sh } = w.ns('a');
    w.links.set(sh, 'lo', { up: true });
    expect(netErrorOf(() => w.inet.routeGet(sh, ip('127.0.0.1'))).code).toBe('EINVAL');
    w.links.set(w.kernel.initTask, 'lo', { up: true });
    expect(w.inet.routeGet(w.kernel.initTask, ip('127.0.0.1')).type).toBe('local');
    w.end();
  });
});

describe('IPv4 settings per namespace (6.18 facts §7)', () => {
  it('defaults, and conf/all and conf/default copied from initNet at creation, not from the creator', () => {
    const w = world();
    const init = w.kernel.initNet.state(IPV4_SYSCTLS);
    expect([init.ipForward, init.ipDefaultTtl, init.icmpEchoIgnoreAll, init.icmpRatelimit, init.icmpRatemask]).toEqual([0, 64, 0, 1000, 6168]);
    init.all.forwarding = 1;
    const a = w.ns('a');
    expect(a.net.state(IPV4_SYSCTLS).ipForward).toBe(1);
    init.all.forwarding = 0;
    a.net.state(IPV4_SYSCTLS).all.forwarding = 1;
    // A namespace made from inside 'a' still copies initNet's.
    const child = a.sh.fork();
    child.unshare({ net: true });
    expect(child.net.state(IPV4_SYSCTLS).ipForward).toBe(0);
    child.exit();
    w.end();
  });
});
