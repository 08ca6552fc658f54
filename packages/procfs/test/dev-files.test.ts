// /proc/net/dev and /proc/net/dev_mcast against 6.18. The captures in linux-captures.ts
// came from this script, run as root inside
// `unshare --mount --propagation private sh -c 'mount -t tmpfs tmpfs /run/netns; …'`:
//   ip netns add nst-a; ip netns add nst-b
//   ip netns exec nst-X sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
//   ip -n nst-X link set lo up
//   ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b
//   ip -n nst-a addr add 10.200.0.1/24 dev veth0; ip -n nst-b addr add 10.200.0.2/24 dev veth1
//   ip -n nst-a link set veth0 up; ip -n nst-b link set veth1 up
//   ip netns exec nst-a ping -c 2 10.200.0.2
//   ip netns exec nst-X cat /proc/net/{dev,route,arp,dev_mcast,snmp,netstat}
import { LinkControl, STAT, netdev } from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import { B_A_DEV, B_A_DEV_MCAST, B_B_DEV, B_B_DEV_MCAST } from './linux-captures.js';
import { world } from './support.js';
import { pingTwice, vethPair } from './topology.js';

const DEV_HEADER =
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n';
const LO_ZERO = '    lo:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n';

describe('/proc/net/dev', () => {
  it('a brand-new namespace lists lo alone, all zeros, before and after lo up (4.A)', () => {
    const w = world();
    const { sh } = w.ns('rsch-a');
    expect(w.cat(sh, '/proc/net/dev')).toBe(DEV_HEADER + LO_ZERO);
    w.links.set(sh, 'lo', { up: true });
    expect(w.cat(sh, '/proc/net/dev')).toBe(DEV_HEADER + LO_ZERO);
    w.end();
  });

  it('two pings over a veth pair: both namespaces byte for byte as 6.18 prints them', () => {
    const w = world();
    const { a, b } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(a.sh, '/proc/net/dev')).toBe(B_A_DEV);
    expect(w.cat(b.sh, '/proc/net/dev')).toBe(B_B_DEV);
    w.end();
  });

  it('lo counts the IP datagram without the Ethernet header: two pings of 127.0.0.1 are 336 bytes each way (6.18)', () => {
    const w = world();
    const { net, sh } = w.ns('nst-f');
    w.links.set(sh, 'lo', { up: true });
    pingTwice(w, net, '127.0.0.1');
    expect(w.cat(sh, '/proc/net/dev').split('\n')[2]).toBe(
      '    lo:     336       4    0    0    0     0          0         0      336       4    0    0    0     0       0          0',
    );
    w.end();
  });

  it('a 15-character name pushes its row right; large counters widen their column; rows follow ifindex', () => {
    const w = world();
    const { net, sh } = w.ns('nst-x');
    new LinkControl(w.kernel).add(sh, { kind: 'veth', name: 'abcdefghijklmno', peer: { name: 'p0' } });
    const long = netdev(w.kernel).byName(net, 'abcdefghijklmno');
    if (long === undefined) throw new Error('no device');
    long.stats[STAT.rx_bytes] = 123_456_789_012;
    long.stats[STAT.rx_dropped] = 2;
    long.stats[STAT.rx_missed_errors] = 3;
    const lines = w.cat(sh, '/proc/net/dev').split('\n');
    expect(lines.slice(2, 5).map((l) => l.split(':')[0])).toEqual(['    lo', '    p0', 'abcdefghijklmno']);
    expect(lines[4]).toBe('abcdefghijklmno:123456789012       0    0    5    0     0          0         0        0       0    0    0    0     0       0          0');
    w.end();
  });
});

describe('/proc/net/dev_mcast', () => {
  it('a brand-new namespace has an empty file, lo up or not (4.A)', () => {
    const w = world();
    const { sh } = w.ns('rsch-a');
    expect(w.cat(sh, '/proc/net/dev_mcast')).toBe('');
    w.links.set(sh, 'lo', { up: true });
    expect(w.cat(sh, '/proc/net/dev_mcast')).toBe('');
    w.end();
  });

  it('the 4.B topology: all-nodes and all-hosts groups on each veth end, as 6.18 prints them', () => {
    const w = world();
    const { a, b } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(a.sh, '/proc/net/dev_mcast')).toBe(B_A_DEV_MCAST);
    expect(w.cat(b.sh, '/proc/net/dev_mcast')).toBe(B_B_DEV_MCAST);
    w.end();
  });

  it('follows link state as 6.18 does: all-nodes from creation, all-hosts only while up, address or not', () => {
    const w = world();
    const { sh } = w.ns('nst-m');
    w.links.add(sh, { kind: 'veth', name: 'm0', address: 0x02000000_0c01, peer: { name: 'm1', address: 0x02000000_0c02 } });
    const m1 = '2    m1              1     0     333300000001\n';
    const m0 = '3    m0              1     0     333300000001\n';
    const m0Hosts = '3    m0              1     0     01005e000001\n';
    expect(w.cat(sh, '/proc/net/dev_mcast')).toBe(m1 + m0);
    w.links.set(sh, 'm0', { up: true });
    expect(w.cat(sh, '/proc/net/dev_mcast')).toBe(m1 + m0 + m0Hosts);
    w.links.set(sh, 'm0', { up: false });
    expect(w.cat(sh, '/proc/net/dev_mcast')).toBe(m1 + m0);
    w.links.set(sh, 'm0', { up: true });
    w.links.set(sh, 'm1', { up: true });
    expect(w.cat(sh, '/proc/net/dev_mcast')).toBe(`${m1}2    m1              1     0     01005e000001\n${m0}${m0Hosts}`);
    w.end();
  });
});

describe('isolation', () => {
  it("a namespace's devices and groups never appear in another namespace's files", () => {
    const w = world();
    const { a, b } = vethPair(w);
    const c = w.ns('nst-c');
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(c.sh, '/proc/net/dev')).toBe(DEV_HEADER + LO_ZERO);
    expect(w.cat(c.sh, '/proc/net/dev_mcast')).toBe('');
    expect(w.cat(a.sh, '/proc/net/dev')).not.toContain('veth1');
    expect(w.cat(b.sh, '/proc/net/dev_mcast')).not.toContain('veth0');
    expect(w.cat(w.kernel.initTask, '/proc/net/dev')).toBe(DEV_HEADER + LO_ZERO);
    w.end();
  });
});
