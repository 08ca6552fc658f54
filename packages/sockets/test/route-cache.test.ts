// A connected UDP socket keeps its route (sk_dst_cache, set by ip4_datagram_connect)
// and sends on it while the namespace's routing generation holds (sk_dst_check →
// ipv4_dst_check → rt_is_expired): every route or address change in the namespace makes
// the next send look the route up again, as rt_cache_flush does on 6.x.
import { NetError } from '@netstage/core-net';
import { STAT, netdev } from '@netstage/devices';
import { snmpOf } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { ip, pair, text, world, type World } from './support.js';

/** rsch-a — rsch-b over veth0/veth1 (10.200.0.0/24), plus rsch-a — rsch-c over veth2/veth3 (10.201.0.0/24). */
function triangle(w: World): ReturnType<typeof pair> & { c: ReturnType<World['ns']> } {
  const ab = pair(w);
  const c = w.ns('rsch-c');
  w.links.set(c.sh, 'lo', { up: true });
  w.withFd(ab.a.sh, 'rsch-c', (fd) => w.links.add(ab.a.sh, { kind: 'veth', name: 'veth2', peer: { name: 'veth3', netns: { fd } } }));
  w.inet.addAddress(ab.a.sh, 'veth2', { local: ip('10.201.0.1'), prefixLen: 24 });
  w.inet.addAddress(c.sh, 'veth3', { local: ip('10.201.0.2'), prefixLen: 24 });
  w.links.set(ab.a.sh, 'veth2', { up: true });
  w.links.set(c.sh, 'veth3', { up: true });
  w.kernel.clock.runUntilIdle();
  return { ...ab, c };
}

function txPackets(w: World, net: Parameters<ReturnType<typeof netdev>['byName']>[0], dev: string): number {
  return netdev(w.kernel).byName(net, dev)?.getStats()[STAT.tx_packets] ?? -1;
}

describe('a connected socket caches its route until the routing generation moves', () => {
  it('a route replaced after connect: the next datagram leaves by the new device', () => {
    const w = world();
    const { a } = triangle(w);
    w.inet.addRoute(a.sh, { dst: ip('10.9.0.0'), prefixLen: 16, dev: 'veth0' });
    const { sock } = w.udp(a.sh);
    sock.connect({ address: ip('10.9.0.5'), port: 9 });
    sock.send(text('one'));
    w.kernel.clock.runUntilIdle();
    const viaB = txPackets(w, a.net, 'veth0');
    const viaC = txPackets(w, a.net, 'veth2');
    w.inet.addRoute(a.sh, { dst: ip('10.9.0.0'), prefixLen: 16, dev: 'veth2' }, 'replace');
    sock.send(text('two'));
    w.kernel.clock.runUntilIdle();
    // ARP for 10.9.0.5 goes out of veth2 now, and nothing more of veth0.
    expect(txPackets(w, a.net, 'veth0')).toBe(viaB);
    expect(txPackets(w, a.net, 'veth2')).toBeGreaterThan(viaC);
    w.end();
  });

  it('the route deleted: ENETUNREACH at the next send (OutNoRoutes counted), and sends again once it is back', () => {
    const w = world();
    const { a, b } = pair(w);
    w.kernel.clock.runUntilIdle();
    const rx = w.udp(b.sh).sock;
    rx.bind({ address: 0, port: 4000 });
    const { sock } = w.udp(a.sh);
    sock.connect({ address: ip('10.200.0.2'), port: 4000 });
    sock.send(text('before'));
    w.kernel.clock.runUntilIdle();
    expect(rx.queueLength).toBe(1);
    const route = { dst: ip('10.200.0.0'), prefixLen: 24, dev: 'veth0', protocol: 'kernel' as const, scope: 253, prefsrc: ip('10.200.0.1') };
    w.inet.deleteRoute(a.sh, { dst: route.dst, prefixLen: route.prefixLen });
    const noRoutes = snmpOf(a.net).get('Ip', 'OutNoRoutes');
    let err: unknown;
    try {
      sock.send(text('lost'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NetError);
    expect((err as NetError).code).toBe('ENETUNREACH');
    expect(snmpOf(a.net).get('Ip', 'OutNoRoutes')).toBe(noRoutes + 1);
    w.inet.addRoute(a.sh, route);
    sock.send(text('after'));
    w.kernel.clock.runUntilIdle();
    expect(rx.queueLength).toBe(2);
    w.end();
  });

  it('the link taken down: its routes go, so the cached one is not used', () => {
    const w = world();
    const { a } = pair(w);
    w.kernel.clock.runUntilIdle();
    const { sock } = w.udp(a.sh);
    sock.connect({ address: ip('10.200.0.2'), port: 4000 });
    sock.send(text('up'));
    w.links.set(a.sh, 'veth0', { up: false });
    let code: string | undefined;
    try {
      sock.send(text('down'));
    } catch (e) {
      code = e instanceof NetError ? e.code : 'other';
    }
    expect(code).toBe('ENETUNREACH');
    w.end();
  });
});
