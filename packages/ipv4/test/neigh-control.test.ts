import { describe, expect, it } from 'vitest';
import { macToString, netdev } from '@netstage/devices';
import { IPV4_SYSCTLS, ipv4, ipv4Stack, ipv4ToString, type Neighbour } from '../src/index.js';
import { ip, netErrorOf, world } from './support.js';

function setup() {
  const w = world();
  const a = w.ns('a');
  const b = w.ns('b');
  w.withFd(a.sh, 'b', (fd) => w.links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } }));
  w.inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 });
  w.links.set(a.sh, 'veth0', { up: true });
  w.links.set(b.sh, 'veth1', { up: true });
  return { w, a, b };
}

const line = (n: Neighbour): string => `${ipv4ToString(n.ip)} dev ${n.dev.name} lladdr ${macToString(n.mac)} ${n.state}`;

describe('ip neigh (transcript 4.C: adding an existing neighbour is EEXIST)', () => {
  it('add, show, add again, delete, delete again', () => {
    const { w, a, b } = setup();
    w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.2'), 0x02_0000_000b01);
    expect(w.inet.showNeighbours(a.sh).map(line)).toEqual(['10.200.0.2 dev veth0 lladdr 02:00:00:00:0b:01 PERMANENT']);
    expect(w.inet.showNeighbours(b.sh)).toEqual([]);
    const again = netErrorOf(() => w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.2'), 0x02_0000_000b01));
    expect([again.code, again.message]).toEqual(['EEXIST', 'File exists']);
    w.inet.deleteNeighbour(a.sh, 'veth0', ip('10.200.0.2'));
    expect(w.inet.showNeighbours(a.sh)).toEqual([]);
    expect(netErrorOf(() => w.inet.deleteNeighbour(a.sh, 'veth0', ip('10.200.0.2'))).code).toBe('ENOENT');
    expect(netErrorOf(() => w.inet.addNeighbour(a.sh, 'nosuch0', ip('10.200.0.2'), 1)).message).toBe('Cannot find device "nosuch0"');
    w.end();
  });

  it('flush removes learned entries and keeps permanent ones; a permanent entry survives the device going down', () => {
    const { w, a } = setup();
    w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.3'), 0x02_0000_000c01);
    w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.4'), 0x02_0000_000c02, 'STALE');
    w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.5'), 0x02_0000_000c03, 'REACHABLE');
    expect(w.inet.flushNeighbours(a.sh, 'veth0')).toBe(2);
    expect(w.inet.showNeighbours(a.sh).map(line)).toEqual(['10.200.0.3 dev veth0 lladdr 02:00:00:00:0c:01 PERMANENT']);
    w.links.set(a.sh, 'veth0', { up: false });
    expect(w.inet.showNeighbours(a.sh, 'veth0')).toHaveLength(1);
    w.end();
  });

  it('a permanent entry added for a pending resolution sends what was waiting', () => {
    const { w, a, b } = setup();
    // b has no address: nobody answers ARP, so the datagram waits.
    ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.7'), 1, 1, new Uint8Array(8));
    w.kernel.clock.runPending(); // the broadcast ARP request reaches b
    const v1 = netdev(w.kernel).byName(b.net, 'veth1');
    const arp = v1?.stats[0] ?? 0;
    w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.7'), 0x02_0000_000d01);
    w.kernel.clock.advance(1);
    expect((v1?.stats[0] ?? 0) - arp).toBe(1); // the echo request arrived (rx_packets)
    w.end();
  });
});

describe('ip_forward', () => {
  it('writing it sets conf/all, conf/default and every device', () => {
    const { w, a } = setup();
    const ip4 = ipv4(w.kernel);
    ip4.setIpForward(a.net, 1);
    const s = a.net.state(IPV4_SYSCTLS);
    expect([s.ipForward, s.all.forwarding, s.default.forwarding]).toEqual([1, 1, 1]);
    for (const d of netdev(w.kernel).devices(a.net)) expect(ip4.inDevice(d)?.conf.forwarding).toBe(1);
    expect(w.kernel.initNet.state(IPV4_SYSCTLS).ipForward).toBe(0);
    w.end();
  });
});
