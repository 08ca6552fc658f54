import type { Net, Task } from '@netstage/core-net';
import { STAT, netdev } from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import { IPV4_SYSCTLS, ipv4, ipv4Stack, ipv4ToString, type IcmpEvent } from '../src/index.js';
import { ip, netErrorOf, world, type World } from './support.js';

interface Host {
  readonly net: Net;
  readonly sh: Task;
}

/** Connect `a` and `b` (named `bNs`) with a veth pair, addresses on both ends, everything up. */
function wire(w: World, a: Host, aName: string, aAddr: string, b: Host, bNs: string, bName: string, bAddr: string): void {
  w.links.set(a.sh, 'lo', { up: true });
  w.links.set(b.sh, 'lo', { up: true });
  w.withFd(a.sh, bNs, (fd) => w.links.add(a.sh, { kind: 'veth', name: aName, peer: { name: bName, netns: { fd } } }));
  w.inet.addAddress(a.sh, aName, { local: ip(aAddr), prefixLen: 24 });
  w.inet.addAddress(b.sh, bName, { local: ip(bAddr), prefixLen: 24 });
  w.links.set(a.sh, aName, { up: true });
  w.links.set(b.sh, bName, { up: true });
}

function listen(w: World): { events: string[]; stop: () => void } {
  const events: string[] = [];
  const stop = ipv4Stack(w.kernel).onIcmp((e: IcmpEvent) => {
    const m = e.message;
    const what = 'code' in m ? `${m.kind} code=${m.code}` : `${m.kind} seq=${m.sequence}`;
    events.push(`${e.net.id} ${ipv4ToString(e.src)}>${ipv4ToString(e.dst)} ${what}`);
  });
  return { events, stop };
}

const DATA = new Uint8Array(56).map((_, i) => i);

describe('two hosts on a veth pair', () => {
  it('one ping: an ARP exchange and an echo each way, 140 bytes in 2 frames per direction (6.18 facts §11)', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
    const icmp = listen(w);
    ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.2'), 0x1234, 1, DATA);
    w.kernel.clock.advance(10); // right after the exchange, as `ip neigh` saw it in transcript 4.B
    expect(icmp.events).toEqual([`${a.net.id} 10.200.0.2>10.200.0.1 echo-reply seq=1`]);
    const v0 = netdev(w.kernel).byName(a.net, 'veth0');
    const v1 = netdev(w.kernel).byName(b.net, 'veth1');
    expect([v0?.stats[STAT.tx_bytes], v0?.stats[STAT.tx_packets], v0?.stats[STAT.rx_bytes], v0?.stats[STAT.rx_packets]]).toEqual([140, 2, 140, 2]);
    expect([v1?.stats[STAT.tx_bytes], v1?.stats[STAT.rx_bytes]]).toEqual([140, 140]);
    // The neighbour tables: a learned b from the reply (REACHABLE); b learned a from the request (STALE, then DELAY once used).
    const stack = ipv4Stack(w.kernel);
    expect(stack.neighbourEntries(a.net).map((n) => `${ipv4ToString(n.ip)} ${n.state}`)).toEqual(['10.200.0.2 REACHABLE']);
    expect(stack.neighbourEntries(b.net).map((n) => `${ipv4ToString(n.ip)} ${n.state}`)).toEqual(['10.200.0.1 DELAY']);
    // Counters as 6.18 moves them for one ping.
    const sa = stack.snmp(a.net);
    expect(['InReceives', 'InDelivers', 'OutRequests', 'OutTransmits'].map((f) => sa.get('Ip', f))).toEqual([1, 1, 1, 1]);
    expect(['InMsgs', 'InEchoReps', 'OutMsgs', 'OutEchos'].map((f) => sa.get('Icmp', f))).toEqual([1, 1, 1, 1]);
    expect([sa.icmpMsgCount('in', 0), sa.icmpMsgCount('out', 8)]).toEqual([1, 1]);
    icmp.stop();
    w.end();
  });

  it('two pings: veth0 carries 238 bytes in 3 frames each way — transcript 4.B\'s 378/5 and 312/4 less its TCP handshake (SYN 74 + ACK 66 out, SYN-ACK 74 in)', () => {
    const w = world();
    const a = w.ns('rsch-a');
    const b = w.ns('rsch-b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'rsch-b', 'veth1', '10.200.0.2');
    const icmp = listen(w);
    for (const seq of [1, 2]) {
      ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.2'), 0x1234, seq, DATA);
      w.kernel.clock.advance(1_000); // ping's one-second interval
    }
    const v0 = netdev(w.kernel).byName(a.net, 'veth0');
    expect([v0?.stats[STAT.tx_bytes], v0?.stats[STAT.tx_packets]]).toEqual([378 - 74 - 66, 5 - 2]);
    expect([v0?.stats[STAT.rx_bytes], v0?.stats[STAT.rx_packets]]).toEqual([312 - 74, 4 - 1]);
    expect(icmp.events).toHaveLength(2);
    icmp.stop();
    w.end();
  });

  it('no route: ENETUNREACH at once, OutNoRoutes counted, nothing sent', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
    const e = netErrorOf(() => ipv4Stack(w.kernel).sendEcho(a.net, ip('10.201.0.1'), 1, 1, DATA));
    expect(e.code).toBe('ENETUNREACH');
    expect(ipv4Stack(w.kernel).snmp(a.net).get('Ip', 'OutNoRoutes')).toBe(1);
    expect(netdev(w.kernel).byName(a.net, 'veth0')?.stats[STAT.tx_packets]).toBe(0);
    w.end();
  });

  it('ARP failure: three broadcast probes a second apart, then FAILED and a host unreachable for the waiting datagram', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
    const icmp = listen(w);
    const v0 = netdev(w.kernel).byName(a.net, 'veth0');
    ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.9'), 7, 1, DATA);
    w.kernel.clock.advance(2_500);
    expect(ipv4Stack(w.kernel).neighbourEntries(a.net).map((n) => n.state)).toEqual(['INCOMPLETE']);
    w.kernel.clock.runUntilIdle();
    expect(v0?.stats[STAT.tx_packets]).toBe(3); // the three ARP requests
    expect(ipv4Stack(w.kernel).neighbourEntries(a.net).map((n) => `${ipv4ToString(n.ip)} ${n.state}`)).toEqual(['10.200.0.9 FAILED']);
    expect(icmp.events).toEqual([`${a.net.id} 10.200.0.1>10.200.0.1 dest-unreachable code=1`]);
    icmp.stop();
    w.end();
  });

  it('icmp_echo_ignore_all: no reply', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
    b.net.state(IPV4_SYSCTLS).icmpEchoIgnoreAll = 1;
    const icmp = listen(w);
    ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.2'), 1, 1, DATA);
    w.kernel.clock.runUntilIdle();
    expect(icmp.events).toEqual([]);
    expect(ipv4Stack(w.kernel).snmp(b.net).get('Icmp', 'InEchos')).toBe(1);
    icmp.stop();
    w.end();
  });
});

describe('host – router – host', () => {
  function topology(forwarding: boolean) {
    const w = world();
    const h1 = w.ns('h1');
    const r = w.ns('r');
    const h2 = w.ns('h2');
    wire(w, h1, 'eth0', '10.1.0.2', r, 'r', 'r1', '10.1.0.1');
    wire(w, r, 'r2', '10.2.0.1', h2, 'h2', 'eth0', '10.2.0.2');
    w.inet.addRoute(h1.sh, { dst: 0, prefixLen: 0, gateway: ip('10.1.0.1') });
    w.inet.addRoute(h2.sh, { dst: 0, prefixLen: 0, gateway: ip('10.2.0.1') });
    const inDevs = netdev(w.kernel).devices(r.net).map((d) => ipv4(w.kernel).inDevice(d));
    for (const d of inDevs) if (d !== undefined) d.conf.forwarding = forwarding ? 1 : 0;
    r.net.state(IPV4_SYSCTLS).all.forwarding = forwarding ? 1 : 0;
    return { w, h1, r, h2 };
  }

  it('with forwarding on, an echo crosses the router both ways, TTL decremented, ForwDatagrams counted', () => {
    const { w, h1, r, h2 } = topology(true);
    const icmp = listen(w);
    ipv4Stack(w.kernel).sendEcho(h1.net, ip('10.2.0.2'), 9, 1, DATA);
    w.kernel.clock.runUntilIdle();
    expect(icmp.events).toEqual([`${h1.net.id} 10.2.0.2>10.1.0.2 echo-reply seq=1`]);
    expect(ipv4Stack(w.kernel).snmp(r.net).get('Ip', 'ForwDatagrams')).toBe(2);
    expect(ipv4Stack(w.kernel).snmp(h2.net).get('Icmp', 'InEchos')).toBe(1);
    icmp.stop();
    w.end();
  });

  it('with forwarding off, the router drops it (InAddrErrors) and nothing comes back', () => {
    const { w, h1, r } = topology(false);
    const icmp = listen(w);
    ipv4Stack(w.kernel).sendEcho(h1.net, ip('10.2.0.2'), 9, 1, DATA);
    w.kernel.clock.runUntilIdle();
    expect(icmp.events).toEqual([]);
    expect(ipv4Stack(w.kernel).snmp(r.net).get('Ip', 'InAddrErrors')).toBe(1);
    expect(ipv4Stack(w.kernel).snmp(r.net).get('Ip', 'ForwDatagrams')).toBe(0);
    icmp.stop();
    w.end();
  });

  it('TTL expiry: the router answers time exceeded from the address the datagram came in on', () => {
    const { w, h1, r } = topology(true);
    const icmp = listen(w);
    const echo = new Uint8Array(8 + 56);
    echo[0] = 8;
    const sum = (() => {
      let s = 0;
      for (let i = 0; i < echo.length; i += 2) s += ((echo[i] ?? 0) << 8) | (echo[i + 1] ?? 0);
      while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
      return ~s & 0xffff;
    })();
    echo[2] = sum >> 8;
    echo[3] = sum & 0xff;
    ipv4Stack(w.kernel).send(h1.net, { dst: ip('10.2.0.2'), protocol: 1, ttl: 1, payload: echo });
    w.kernel.clock.runUntilIdle();
    expect(icmp.events).toEqual([`${h1.net.id} 10.1.0.1>10.1.0.2 time-exceeded code=0`]);
    expect(ipv4Stack(w.kernel).snmp(r.net).get('Icmp', 'OutTimeExcds')).toBe(1);
    icmp.stop();
    w.end();
  });

  it('no route onward: net unreachable from the router', () => {
    const { w, h1 } = topology(true);
    const icmp = listen(w);
    ipv4Stack(w.kernel).sendEcho(h1.net, ip('10.9.0.1'), 9, 1, DATA);
    w.kernel.clock.runUntilIdle();
    expect(icmp.events).toEqual([`${h1.net.id} 10.1.0.1>10.1.0.2 dest-unreachable code=0`]);
    icmp.stop();
    w.end();
  });
});

/** An ICMP echo request of `size` data bytes, checksummed. */
function echoRequest(size: number, seq: number): Uint8Array {
  const m = new Uint8Array(8 + size);
  m[0] = 8;
  m[6] = seq >> 8;
  m[7] = seq & 0xff;
  for (let i = 0; i < size; i++) m[8 + i] = i & 0xff;
  let s = 0;
  for (let i = 0; i < m.length; i += 2) s += ((m[i] ?? 0) << 8) | (m[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const sum = ~s & 0xffff;
  m[2] = sum >> 8;
  m[3] = sum & 0xff;
  return m;
}

describe('fragmentation and reassembly', () => {
  it('a 3000-byte echo without DF leaves in three fragments, is reassembled, and its reply comes back the same way', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
    const icmp = listen(w);
    const stack = ipv4Stack(w.kernel);
    stack.send(a.net, { dst: ip('10.200.0.2'), protocol: 1, payload: echoRequest(3000, 5) });
    w.kernel.clock.advance(10);
    expect(icmp.events).toEqual([`${a.net.id} 10.200.0.2>10.200.0.1 echo-reply seq=5`]);
    const sa = stack.snmp(a.net);
    const sb = stack.snmp(b.net);
    expect(['FragOKs', 'FragCreates', 'ReasmReqds', 'ReasmOKs'].map((f) => sa.get('Ip', f))).toEqual([1, 3, 3, 1]);
    expect(['FragOKs', 'FragCreates', 'ReasmReqds', 'ReasmOKs'].map((f) => sb.get('Ip', f))).toEqual([1, 3, 3, 1]);
    icmp.stop();
    w.end();
  });

  it('with DF set, a datagram over the MTU is refused at once (EMSGSIZE)', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
    const e = netErrorOf(() => ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.2'), 1, 1, new Uint8Array(3000)));
    expect(e.code).toBe('EMSGSIZE');
    w.end();
  });
});

describe('a router in front of a narrower link', () => {
  it('fragments what it may (DF clear) and answers fragmentation needed, with the MTU, when DF is set', () => {
    const w = world();
    const h1 = w.ns('h1');
    const r = w.ns('r');
    const h2 = w.ns('h2');
    wire(w, h1, 'eth0', '10.1.0.2', r, 'r', 'r1', '10.1.0.1');
    wire(w, r, 'r2', '10.2.0.1', h2, 'h2', 'eth0', '10.2.0.2');
    w.links.set(r.sh, 'r2', { mtu: 1000 });
    w.links.set(h2.sh, 'eth0', { mtu: 1000 });
    w.inet.addRoute(h1.sh, { dst: 0, prefixLen: 0, gateway: ip('10.1.0.1') });
    w.inet.addRoute(h2.sh, { dst: 0, prefixLen: 0, gateway: ip('10.2.0.1') });
    ipv4(w.kernel).setIpForward(r.net, 1);
    const icmp = listen(w);
    const stack = ipv4Stack(w.kernel);
    stack.send(h1.net, { dst: ip('10.2.0.2'), protocol: 1, payload: echoRequest(1400, 1) });
    w.kernel.clock.advance(10);
    expect(icmp.events).toEqual([`${h1.net.id} 10.2.0.2>10.1.0.2 echo-reply seq=1`]);
    expect(stack.snmp(r.net).get('Ip', 'FragCreates')).toBe(2);
    expect(stack.snmp(h2.net).get('Ip', 'ReasmOKs')).toBe(1);
    icmp.events.length = 0;
    stack.send(h1.net, { dst: ip('10.2.0.2'), protocol: 1, payload: echoRequest(1400, 2), dontFragment: true });
    w.kernel.clock.advance(10);
    expect(icmp.events).toEqual([`${h1.net.id} 10.1.0.1>10.1.0.2 dest-unreachable code=4`]);
    icmp.stop();
    w.end();
  });
});
