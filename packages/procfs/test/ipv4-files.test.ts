// /proc/net/route, arp, snmp and netstat against 6.18 (captures in linux-captures.ts; the
// script is in the header of dev-files.test.ts, plus, for ROUTES_A and the arp captures,
// `ip -n nst-a route add …` as in the tests below, `ip netns exec nst-a ping -c 1 -W 1
// 10.200.0.9` read while INCOMPLETE and after, and `ip -n nst-a neigh add 10.200.0.77
// lladdr 02:00:00:00:77:77 dev veth0` / `… 10.200.0.78 … nud noarp`).
import { NetError } from '@netstage/core-net';
import { netdev } from '@netstage/devices';
import { IPV4_SYSCTLS, RT_TABLE, ipv4, ipv4Stack } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import {
  ARP_INCOMPLETE_A,
  ARP_PERMANENT_A,
  B_A_ARP,
  B_A_NETSTAT,
  B_A_ROUTE,
  B_A_SNMP,
  B_B_ARP,
  B_B_NETSTAT,
  B_B_ROUTE,
  B_B_SNMP,
  FRESH_NETSTAT,
  FRESH_SNMP,
  ROUTES_A,
} from './linux-captures.js';
import { world } from './support.js';
import { ip, pingTwice, vethPair } from './topology.js';

const ARP_HEADER = 'IP address       HW type     Flags       HW address            Mask     Device\n';
const ROUTE_HEADER = `${'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT'.padEnd(127)}\n`;

describe('/proc/net/route', () => {
  it('is empty, not even a header, until the main table exists; lo up brings the header alone (4.A, 6.18)', () => {
    const w = world();
    const { sh } = w.ns('rsch-a');
    expect(w.cat(sh, '/proc/net/route')).toBe('');
    w.links.set(sh, 'lo', { up: true });
    expect(w.cat(sh, '/proc/net/route')).toBe(ROUTE_HEADER);
    w.end();
  });

  it('the 4.B topology: the connected route in each namespace, 127 characters a line', () => {
    const w = world();
    const { a, b } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(a.sh, '/proc/net/route')).toBe(B_A_ROUTE);
    expect(w.cat(b.sh, '/proc/net/route')).toBe(B_B_ROUTE);
    w.end();
  });

  it('gateway, host, reject and blackhole routes, metrics, and trie order as 6.18 prints them', () => {
    const w = world();
    const { a } = vethPair(w);
    const add = (dst: string, prefixLen: number, more: { gateway?: string; dev?: string; metric?: number; type?: 'blackhole' | 'unreachable' | 'prohibit' }): void => {
      w.inet.addRoute(a.sh, {
        dst: ip(dst),
        prefixLen,
        ...(more.gateway === undefined ? {} : { gateway: ip(more.gateway) }),
        ...(more.dev === undefined ? {} : { dev: more.dev }),
        ...(more.metric === undefined ? {} : { metric: more.metric }),
        ...(more.type === undefined ? {} : { type: more.type }),
      });
    };
    add('10.9.0.0', 16, { gateway: '10.200.0.2' });
    add('10.9.0.0', 24, { gateway: '10.200.0.2', metric: 5 });
    add('0.0.0.0', 0, { gateway: '10.200.0.2', metric: 100 });
    add('10.7.7.7', 32, { dev: 'veth0' });
    add('10.7.7.8', 32, { gateway: '10.200.0.2' });
    add('10.66.0.0', 16, { type: 'blackhole' });
    add('10.67.0.0', 16, { type: 'unreachable' });
    add('10.68.0.0', 16, { type: 'prohibit' });
    add('10.69.0.0', 16, { dev: 'veth0', metric: 7 });
    add('10.69.0.0', 16, { dev: 'veth0', metric: 3 });
    expect(w.cat(a.sh, '/proc/net/route')).toBe(ROUTES_A);
    w.end();
  });

  it('300 routes: one padded row each, in destination order', () => {
    const w = world();
    const { a } = vethPair(w);
    for (let i = 299; i >= 0; i--) w.inet.addRoute(a.sh, { dst: ip(`10.${100 + (i >> 8)}.${i & 255}.0`), prefixLen: 24, gateway: ip('10.200.0.2') });
    const lines = w.cat(a.sh, '/proc/net/route').split('\n');
    expect(lines).toHaveLength(1 + 301 + 1);
    expect(lines.every((l, i) => i === lines.length - 1 || l.length === 127)).toBe(true);
    expect(lines[1]?.split('\t').slice(0, 4)).toEqual(['veth0', '0000640A', '0200C80A', '0003']);
    expect(lines[300]?.split('\t').slice(0, 2)).toEqual(['veth0', '002B650A']);
    expect(lines[301]?.split('\t').slice(0, 2)).toEqual(['veth0', '0000C80A']);
    w.end();
  });

  it('lists only the main table: local and broadcast routes and other tables stay out', () => {
    const w = world();
    const { a } = vethPair(w);
    w.inet.addRoute(a.sh, { dst: ip('10.50.0.0'), prefixLen: 16, dev: 'veth0', table: 100 });
    expect(w.cat(a.sh, '/proc/net/route')).toBe(B_A_ROUTE);
    w.end();
  });
});

describe('/proc/net/arp', () => {
  it('a fresh namespace has the header alone', () => {
    const w = world();
    const { sh } = w.ns('nst-f');
    expect(w.cat(sh, '/proc/net/arp')).toBe(ARP_HEADER);
    w.end();
  });

  it('the 4.B topology: the resolved peer on each side (complete, 0x2)', () => {
    const w = world();
    const { a, b } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(a.sh, '/proc/net/arp')).toBe(B_A_ARP);
    expect(w.cat(b.sh, '/proc/net/arp')).toBe(B_B_ARP);
    w.end();
  });

  it('an unanswered address: flags 0x0 and a zero address while INCOMPLETE and once FAILED; permanent 0x6; NOARP hidden', () => {
    const w = world();
    const { a } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    const stack = ipv4Stack(w.kernel);
    stack.sendEcho(a.net, ip('10.200.0.9'), 7, 1, new Uint8Array(56));
    w.kernel.clock.advance(300);
    expect(stack.neighbourEntries(a.net).map((n) => n.state)).toEqual(['REACHABLE', 'INCOMPLETE']);
    expect(w.cat(a.sh, '/proc/net/arp')).toBe(ARP_INCOMPLETE_A);
    w.kernel.clock.advance(3_700);
    expect(stack.neighbourEntries(a.net).map((n) => n.state)).toEqual(['REACHABLE', 'FAILED']);
    expect(w.cat(a.sh, '/proc/net/arp')).toBe(ARP_INCOMPLETE_A);
    const veth0 = netdev(w.kernel).byName(a.net, 'veth0');
    if (veth0 === undefined) throw new Error('no veth0');
    w.inet.addNeighbour(a.sh, 'veth0', ip('10.200.0.77'), 0x02000000_7777);
    const n78 = { ...stack.neighbourEntries(a.net)[0], ip: ip('10.200.0.78'), mac: 0x02000000_7778, state: 'NOARP' as const };
    stack.neighbours(a.net)?.set({ ...n78, dev: veth0, probes: 0, queue: [], queueBytes: 0, timer: undefined, confirmed: 0 });
    expect(w.cat(a.sh, '/proc/net/arp')).toBe(ARP_PERMANENT_A);
    w.end();
  });

  it('300 neighbours: one row each, IP left-aligned in 16 columns', () => {
    const w = world();
    const { a } = vethPair(w);
    for (let i = 0; i < 300; i++) w.inet.addNeighbour(a.sh, 'veth0', ip(`10.200.${1 + (i >> 8)}.${i & 255}`), 0x02000000_0000 + i, 'REACHABLE');
    const lines = w.cat(a.sh, '/proc/net/arp').split('\n');
    expect(lines).toHaveLength(302);
    expect(lines[300]).toBe('10.200.2.43      0x1         0x2         02:00:00:00:01:2b     *        veth0');
    w.end();
  });
});

describe('/proc/net/snmp', () => {
  it('a fresh namespace: Forwarding 2, DefaultTTL 64, no IcmpMsg lines, the Tcp constants (6.18)', () => {
    const w = world();
    const { sh } = w.ns('nst-f');
    expect(w.cat(sh, '/proc/net/snmp')).toBe(FRESH_SNMP);
    w.end();
  });

  it('the 4.B topology without TCP: Ip, Icmp and IcmpMsg counters of each side as 6.18 counts them', () => {
    const w = world();
    const { a, b } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(a.sh, '/proc/net/snmp')).toBe(B_A_SNMP);
    expect(w.cat(b.sh, '/proc/net/snmp')).toBe(B_B_SNMP);
    w.end();
  });

  it('Forwarding and DefaultTTL follow the namespace settings (6.18: "Ip: 1 33 …" after ip_forward=1, ip_default_ttl=33)', () => {
    const w = world();
    const { net, sh } = w.ns('nst-f');
    ipv4(w.kernel).setIpForward(net, 1);
    net.state(IPV4_SYSCTLS).ipDefaultTtl = 33;
    expect(w.cat(sh, '/proc/net/snmp').split('\n')[1]).toBe('Ip: 1 33 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0');
    expect(w.cat(w.kernel.initTask, '/proc/net/snmp').split('\n')[1]?.startsWith('Ip: 2 64 ')).toBe(true);
    w.end();
  });

  it('IcmpMsg wraps after 16 types per pair of lines', () => {
    const w = world();
    const { net, sh } = w.ns('nst-f');
    const mib = ipv4Stack(w.kernel).snmp(net);
    for (let t = 0; t < 20; t++) mib.icmpMsg('in', t);
    const lines = w.cat(sh, '/proc/net/snmp').split('\n').filter((l) => l.startsWith('IcmpMsg:'));
    expect(lines).toHaveLength(4);
    expect(lines[0]?.split(' ')).toHaveLength(17);
    expect(lines[2]).toBe('IcmpMsg: InType16 InType17 InType18 InType19');
    w.end();
  });
});

describe('/proc/net/netstat', () => {
  it('a fresh namespace: the TcpExt, IpExt and MPTcpExt fields of 6.18, all zero', () => {
    const w = world();
    const { sh } = w.ns('nst-f');
    expect(w.cat(sh, '/proc/net/netstat')).toBe(FRESH_NETSTAT);
    w.end();
  });

  it('the 4.B topology: IpExt octets and ECN counts as 6.18 counts them (168 in and out, 2 Not-ECT)', () => {
    const w = world();
    const { a, b } = vethPair(w);
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(a.sh, '/proc/net/netstat')).toBe(B_A_NETSTAT);
    expect(w.cat(b.sh, '/proc/net/netstat')).toBe(B_B_NETSTAT);
    w.end();
  });
});

describe('isolation and stages', () => {
  it("a namespace's routes, neighbours and counters never appear in another namespace's files", () => {
    const w = world();
    const { a } = vethPair(w);
    const c = w.ns('nst-c');
    pingTwice(w, a.net, '10.200.0.2');
    expect(w.cat(c.sh, '/proc/net/route')).toBe('');
    expect(w.cat(c.sh, '/proc/net/arp')).toBe(ARP_HEADER);
    expect(w.cat(c.sh, '/proc/net/snmp')).toBe(FRESH_SNMP);
    expect(w.cat(c.sh, '/proc/net/netstat')).toBe(FRESH_NETSTAT);
    expect(w.cat(w.kernel.initTask, '/proc/net/arp')).toBe(ARP_HEADER);
    expect(ipv4StackTable(w)).toBe(true);
    w.end();
  });

  it('before its stage a file is ENOENT outside initNet', () => {
    const w = world({ stages: 'net-ns-basic,net-ns-task,net-ns-clone,proc-net-per-ns' });
    const child = w.kernel.initTask.fork();
    child.unshare({ net: true });
    for (const f of ['route', 'arp', 'snmp', 'netstat']) {
      expect(() => w.cat(child, `/proc/net/${f}`)).toThrow(NetError);
    }
    expect(w.cat(w.kernel.initTask, '/proc/net/arp')).toBe(ARP_HEADER);
    child.exit();
    w.end();
  });
});

function ipv4StackTable(w: ReturnType<typeof world>): boolean {
  return w.inet.showRoutes(w.kernel.initTask, RT_TABLE.MAIN).length === 0;
}
