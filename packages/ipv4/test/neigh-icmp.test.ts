// The IPv4 packet path on the virtual clock: the neighbour state machine's timings
// (neighbour.c / arp.c), ICMP errors and their per-destination rate limit (icmp.c,
// inetpeer.c), neighbours forgotten with their device or namespace, and malformed input
// counted and dropped. Timings are checked with `advance`; `runUntilIdle` only ends tests (leak checks).
import { Kernel, type Net, type Task } from '@netstage/core-net';
import {
  ETH_HLEN,
  ETH_P_ALL,
  ETH_P_ARP,
  ETH_P_IP,
  LinkControl,
  MAC_BROADCAST,
  NicDevice,
  PACKET,
  STAT,
  devicesLayer,
  emitEthernet,
  frameDestination,
  frameEtherType,
  frameSource,
  netdev,
  type NetDevice,
} from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import {
  ARP_LENGTH,
  ARPOP_REPLY,
  ARPOP_REQUEST,
  ICMP_MIB,
  IP_MIB,
  IPV4_HEADER_LENGTH,
  InetControl,
  emitArp,
  emitIcmp,
  emitIpv4Header,
  icmpBufferLength,
  internetChecksum,
  ipv4Layer,
  ipv4Stack,
  ipv4ToString,
  parseArp,
  readIpv4,
  type IcmpEvent,
  type IcmpRepr,
  type Neighbour,
  type Snmp,
} from '../src/index.js';
import { ip, world, type World } from './support.js';

interface Host {
  readonly net: Net;
  readonly sh: Task;
}

/** Connect `a` and `b` (named `bNs`) with a veth pair, addresses on both ends, lo and the pair up. */
function wire(w: World, a: Host, aName: string, aAddr: string, b: Host, bNs: string, bName: string, bAddr: string): void {
  w.links.set(a.sh, 'lo', { up: true });
  w.links.set(b.sh, 'lo', { up: true });
  w.withFd(a.sh, bNs, (fd) => w.links.add(a.sh, { kind: 'veth', name: aName, peer: { name: bName, netns: { fd } } }));
  w.inet.addAddress(a.sh, aName, { local: ip(aAddr), prefixLen: 24 });
  w.inet.addAddress(b.sh, bName, { local: ip(bAddr), prefixLen: 24 });
  w.links.set(a.sh, aName, { up: true });
  w.links.set(b.sh, bName, { up: true });
}

function device(net: Net, w: World, name: string): NetDevice {
  const dev = netdev(w.kernel).byName(net, name);
  if (dev === undefined) throw new Error(`no device ${name}`);
  return dev;
}

/** a (10.200.0.1 on veth0) and b (10.200.0.2 on veth1), seed 1. */
function pair() {
  const w = world({ seed: 1 });
  const a = w.ns('a');
  const b = w.ns('b');
  wire(w, a, 'veth0', '10.200.0.1', b, 'b', 'veth1', '10.200.0.2');
  return { w, a, b, v0: device(a.net, w, 'veth0'), v1: device(b.net, w, 'veth1'), stack: ipv4Stack(w.kernel), clock: w.kernel.clock };
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

/** `ip neigh` in short: address and state, in table order. */
function states(w: World, net: Net): string[] {
  return ipv4Stack(w.kernel)
    .neighbourEntries(net)
    .map((n) => `${ipv4ToString(n.ip)} ${n.state}`);
}

function entry(w: World, net: Net, addr: string): Neighbour {
  const n = ipv4Stack(w.kernel)
    .neighbourEntries(net)
    .find((e) => e.ip === ip(addr));
  if (n === undefined) throw new Error(`no neighbour ${addr}`);
  return n;
}

function tx(dev: NetDevice): [number, number] {
  return [dev.stats[STAT.tx_packets] ?? 0, dev.stats[STAT.tx_bytes] ?? 0];
}

function rx(dev: NetDevice): [number, number] {
  return [dev.stats[STAT.rx_packets] ?? 0, dev.stats[STAT.rx_bytes] ?? 0];
}

/** Move the clock to exactly `t`. */
function at(w: World, t: number): void {
  const clock = w.kernel.clock;
  expect(t).toBeGreaterThanOrEqual(clock.now);
  clock.advance(t - clock.now);
  expect(clock.now).toBe(t);
}

/** A captured frame in short: time, direction, EtherType, destination MAC, and what an ARP frame says. */
function frameLine(f: { time: number; direction: string; bytes: Uint8Array }): string {
  const type = frameEtherType(f.bytes);
  const head = `${f.time} ${f.direction} ${type.toString(16)} dst=${frameDestination(f.bytes).toString(16)}`;
  if (type !== ETH_P_ARP) return head;
  const arp = parseArp(f.bytes.subarray(ETH_HLEN));
  if ('kind' in arp) return `${head} bad-arp`;
  return arp.operation === ARPOP_REQUEST ? `${head} who-has ${ipv4ToString(arp.targetIp)}` : `${head} ${ipv4ToString(arp.senderIp)} is-at`;
}

const DATA = new Uint8Array(56).map((_, i) => i);
/** An echo request of 56 data bytes on Ethernet: 14 + 20 + 8 + 56. */
const PING_FRAME = 98;
/** An ARP frame: 14 + 28 (veth does not pad). */
const ARP_FRAME = 42;

describe('neighbour states between two namespaces', () => {
  it('one ping: a REACHABLE, b DELAY; b probes once after delay_first_probe_time; a goes STALE within [15 s, 45 s)', () => {
    const { w, a, b, v0, v1, stack, clock } = pair();
    const t0 = clock.now;
    stack.sendEcho(a.net, ip('10.200.0.2'), 0x1234, 1, DATA);
    clock.advance(10);
    expect(states(w, a.net)).toEqual(['10.200.0.2 REACHABLE']);
    // b learned a from its request (STALE), then used it for the reply (DELAY).
    expect(states(w, b.net)).toEqual(['10.200.0.1 DELAY']);
    // The whole exchange happened at t0: a was confirmed then, b's DELAY timer runs from then.
    const na = entry(w, a.net, '10.200.0.2');
    expect(na.confirmed).toBe(t0);
    expect(na.mac).toBe(v1.mac);
    const reachableFor = (na.timer?.when ?? NaN) - t0;
    expect(reachableFor).toBeGreaterThanOrEqual(15_000);
    expect(reachableFor).toBeLessThan(45_000);
    expect(entry(w, b.net, '10.200.0.1').timer?.when).toBe(t0 + 5_000);

    // What b sends, with the state of its entry for a at that moment.
    const sentByB: string[] = [];
    const untap = netdev(w.kernel).handlers.add({
      name: 'watch-veth1',
      etherType: ETH_P_ALL,
      device: v1,
      receive: (f, _dev, pktType) => {
        if (pktType === PACKET.OUTGOING) sentByB.push(`${frameEtherType(f).toString(16)} ${entry(w, b.net, '10.200.0.1').state}`);
      },
    });
    v1.startCapture();
    const [tx1, rx1] = [tx(v1), rx(v1)];
    at(w, t0 + 4_999);
    expect(states(w, b.net)).toEqual(['10.200.0.1 DELAY']);
    expect([tx(v1), rx(v1)]).toEqual([tx1, rx1]);
    at(w, t0 + 5_000);
    // The probe went out in PROBE, unicast to a; a answered; b is REACHABLE again.
    expect(sentByB).toEqual(['806 PROBE']);
    expect(states(w, b.net)).toEqual(['10.200.0.1 REACHABLE']);
    expect(tx(v1)).toEqual([tx1[0] + 1, tx1[1] + ARP_FRAME]);
    expect(rx(v1)).toEqual([rx1[0] + 1, rx1[1] + ARP_FRAME]);
    expect(v1.stopCapture().map(frameLine)).toEqual([
      `${t0 + 5_000} out 806 dst=${v0.mac.toString(16)} who-has 10.200.0.1`,
      `${t0 + 5_000} in 806 dst=${v1.mac.toString(16)} 10.200.0.1 is-at`,
    ]);
    const nb = entry(w, b.net, '10.200.0.1');
    expect(nb.confirmed).toBe(t0 + 5_000);
    expect((nb.timer?.when ?? NaN) - (t0 + 5_000)).toBeGreaterThanOrEqual(15_000);
    expect((nb.timer?.when ?? NaN) - (t0 + 5_000)).toBeLessThan(45_000);
    untap();

    // a: the unicast probe from b changed nothing (same address, STALE does not override).
    expect(states(w, a.net)).toEqual(['10.200.0.2 REACHABLE']);
    expect(entry(w, a.net, '10.200.0.2').timer?.when).toBe(t0 + reachableFor);
    const txA = tx(v0);
    at(w, t0 + 14_999);
    expect(states(w, a.net)).toEqual(['10.200.0.2 REACHABLE']);
    at(w, t0 + 45_000);
    expect(states(w, a.net)).toEqual(['10.200.0.2 STALE']);
    expect(entry(w, a.net, '10.200.0.2').timer).toBeUndefined();
    expect(tx(v0)).toEqual(txA); // going STALE sends nothing
    w.end();
  });

  it('a second ping through a STALE entry: DELAY, the known MAC, one 98-byte frame and no ARP', () => {
    const { w, a, v0, v1, stack, clock } = pair();
    const icmp = listen(w);
    const t0 = clock.now;
    stack.sendEcho(a.net, ip('10.200.0.2'), 0x1234, 1, DATA);
    at(w, t0 + 45_000);
    expect(states(w, a.net)).toEqual(['10.200.0.2 STALE']);
    const t1 = clock.now;
    const before = tx(v0);
    v0.startCapture();
    stack.sendEcho(a.net, ip('10.200.0.2'), 0x1234, 2, DATA);
    expect(states(w, a.net)).toEqual(['10.200.0.2 DELAY']);
    expect(entry(w, a.net, '10.200.0.2').timer?.when).toBe(t1 + 5_000);
    expect(tx(v0)).toEqual([before[0] + 1, before[1] + PING_FRAME]);
    clock.advance(10);
    expect(tx(v0)).toEqual([before[0] + 1, before[1] + PING_FRAME]); // still no ARP
    const out = v0.stopCapture().filter((f) => f.direction === 'out');
    expect(out.map((f) => [f.bytes.length, frameEtherType(f.bytes), frameDestination(f.bytes), frameSource(f.bytes)])).toEqual([
      [PING_FRAME, ETH_P_IP, v1.mac, v0.mac],
    ]);
    expect(icmp.events).toEqual([`${a.net.id} 10.200.0.2>10.200.0.1 echo-reply seq=1`, `${a.net.id} 10.200.0.2>10.200.0.1 echo-reply seq=2`]);
    icmp.stop();
    w.end();
  });
});

describe('ARP failure and ICMP errors', () => {
  it('three broadcast requests a second apart, INCOMPLETE until +3000, then FAILED and a host unreachable', () => {
    const { w, a, v0, stack, clock } = pair();
    const icmp = listen(w);
    const mib = stack.snmp(a.net);
    v0.startCapture();
    const t0 = clock.now;
    const tx0 = tx(v0)[0];
    stack.sendEcho(a.net, ip('10.200.0.9'), 7, 1, DATA);
    expect(tx(v0)[0]).toBe(tx0 + 1);
    expect(states(w, a.net)).toEqual(['10.200.0.9 INCOMPLETE']);
    at(w, t0 + 999);
    expect(tx(v0)[0]).toBe(tx0 + 1);
    at(w, t0 + 1_000);
    expect(tx(v0)[0]).toBe(tx0 + 2);
    at(w, t0 + 1_999);
    expect(tx(v0)[0]).toBe(tx0 + 2);
    at(w, t0 + 2_000);
    expect(tx(v0)[0]).toBe(tx0 + 3);
    at(w, t0 + 2_999);
    expect(tx(v0)[0]).toBe(tx0 + 3);
    expect(states(w, a.net)).toEqual(['10.200.0.9 INCOMPLETE']);
    expect(icmp.events).toEqual([]);
    at(w, t0 + 3_000);
    expect(states(w, a.net)).toEqual(['10.200.0.9 FAILED']);
    expect(tx(v0)[0]).toBe(tx0 + 3);
    expect(v0.captured().map(frameLine)).toEqual(
      [t0, t0 + 1_000, t0 + 2_000].map((t) => `${t} out 806 dst=${MAC_BROADCAST.toString(16)} who-has 10.200.0.9`),
    );
    // The waiting echo request comes back as host unreachable (code 1), from a's own address.
    expect(icmp.events).toEqual([`${a.net.id} 10.200.0.1>10.200.0.1 dest-unreachable code=1`]);
    expect([mib.get('Icmp', 'OutDestUnreachs'), mib.get('Icmp', 'InDestUnreachs'), mib.get('Icmp', 'OutRateLimitHost')]).toEqual([1, 1, 0]);

    // A ping while FAILED starts over: INCOMPLETE, a broadcast request at once.
    at(w, t0 + 10_000);
    const t1 = clock.now;
    stack.sendEcho(a.net, ip('10.200.0.9'), 7, 2, DATA);
    expect(states(w, a.net)).toEqual(['10.200.0.9 INCOMPLETE']);
    expect(tx(v0)[0]).toBe(tx0 + 4);
    expect(frameLine(v0.captured()[3] ?? { time: NaN, direction: '', bytes: new Uint8Array(14) })).toBe(
      `${t1} out 806 dst=${MAC_BROADCAST.toString(16)} who-has 10.200.0.9`,
    );
    // Two more while INCOMPLETE: queued, nothing sent for them.
    stack.sendEcho(a.net, ip('10.200.0.9'), 7, 3, DATA);
    stack.sendEcho(a.net, ip('10.200.0.9'), 7, 4, DATA);
    expect(tx(v0)[0]).toBe(tx0 + 4);
    expect(entry(w, a.net, '10.200.0.9').queue.length).toBe(3);
    at(w, t1 + 2_999);
    expect(states(w, a.net)).toEqual(['10.200.0.9 INCOMPLETE']);
    expect(icmp.events.length).toBe(1);
    at(w, t1 + 3_000);
    expect(states(w, a.net)).toEqual(['10.200.0.9 FAILED']);
    expect(tx(v0)[0]).toBe(tx0 + 6);
    // Three queued datagrams, three host unreachables; none rate limited.
    expect(icmp.events.slice(1)).toEqual(Array.from({ length: 3 }, () => `${a.net.id} 10.200.0.1>10.200.0.1 dest-unreachable code=1`));
    expect(mib.get('Icmp', 'OutRateLimitHost')).toBe(0);

    // Ten datagrams waiting at once: each one is answered or counted as rate limited.
    // How many pass is not asserted: these errors go to a's own address through lo,
    // which Linux never rate-limits per host (icmpv4_xrlim_allow: "No rate limit on
    // loopback"), so all ten would pass there — see the report.
    at(w, t1 + 10_000);
    const t2 = clock.now;
    const seen = icmp.events.length;
    for (let seq = 10; seq < 20; seq++) stack.sendEcho(a.net, ip('10.200.0.9'), 7, seq, DATA);
    expect(entry(w, a.net, '10.200.0.9').queue.length).toBe(10);
    at(w, t2 + 2_999);
    expect(icmp.events.length).toBe(seen);
    at(w, t2 + 3_000);
    expect(states(w, a.net)).toEqual(['10.200.0.9 FAILED']);
    expect(tx(v0)[0]).toBe(tx0 + 9);
    expect(icmp.events.length - seen + mib.get('Icmp', 'OutRateLimitHost')).toBe(10);
    icmp.stop();
    w.end();
  });

  it('errors to another host are rate limited per destination: a burst of 6, then one per icmp_ratelimit', () => {
    const { w, a, b, stack, clock } = pair();
    const icmp = listen(w);
    // b resolves a first, so that nothing waits for ARP below.
    stack.sendEcho(b.net, ip('10.200.0.1'), 1, 1, DATA);
    clock.advance(10);
    expect(icmp.events).toEqual([`${b.net.id} 10.200.0.1>10.200.0.2 echo-reply seq=1`]);
    const mibA = stack.snmp(a.net);
    const protoUnreach = `${b.net.id} 10.200.0.1>10.200.0.2 dest-unreachable code=2`;
    const unknown = (): void => stack.send(b.net, { dst: ip('10.200.0.1'), protocol: 200, payload: new Uint8Array(8) });
    const errors = (): number => icmp.events.filter((e) => e === protoUnreach).length;

    // Ten at one instant: a full bucket is 6 * 1000 tokens, each error costs 1000.
    const t0 = clock.now;
    for (let k = 0; k < 10; k++) unknown();
    clock.advance(0);
    expect(clock.now).toBe(t0);
    expect(mibA.get('Ip', 'InUnknownProtos')).toBe(10);
    expect(errors()).toBe(6);
    expect(mibA.get('Icmp', 'OutRateLimitHost')).toBe(4);
    expect(mibA.get('Icmp', 'OutDestUnreachs')).toBe(6);
    // 999 ms refill 999 tokens: not enough.
    at(w, t0 + 999);
    unknown();
    clock.advance(0);
    expect([errors(), mibA.get('Icmp', 'OutRateLimitHost')]).toEqual([6, 5]);
    // One more millisecond: exactly one message's worth.
    at(w, t0 + 1_000);
    unknown();
    unknown();
    clock.advance(0);
    expect([errors(), mibA.get('Icmp', 'OutRateLimitHost')]).toEqual([7, 6]);
    // After six idle seconds the bucket is full again, and no fuller.
    at(w, t0 + 1_000 + 6_000 + 5_000);
    for (let k = 0; k < 7; k++) unknown();
    clock.advance(0);
    expect([errors(), mibA.get('Icmp', 'OutRateLimitHost')]).toEqual([13, 7]);
    // The limit is per destination and per namespace: b's own counters are untouched.
    expect(stack.snmp(b.net).get('Icmp', 'OutRateLimitHost')).toBe(0);
    icmp.stop();
    w.end();
  });

  it('echo replies are not rate limited: 20 pings at one instant, 20 replies', () => {
    const { w, a, b, stack, clock } = pair();
    const icmp = listen(w);
    const t0 = clock.now;
    for (let seq = 1; seq <= 20; seq++) stack.sendEcho(a.net, ip('10.200.0.2'), 0x77, seq, DATA);
    expect(entry(w, a.net, '10.200.0.2').queue.length).toBe(20);
    clock.advance(0);
    expect(clock.now).toBe(t0);
    expect(icmp.events).toEqual(Array.from({ length: 20 }, (_, k) => `${a.net.id} 10.200.0.2>10.200.0.1 echo-reply seq=${k + 1}`));
    const mibB = stack.snmp(b.net);
    expect([mibB.get('Icmp', 'InEchos'), mibB.get('Icmp', 'OutEchoReps'), mibB.get('Icmp', 'OutRateLimitHost')]).toEqual([20, 20, 0]);
    icmp.stop();
    w.end();
  });
});

describe('neighbours forgotten', () => {
  it('a device going down forgets its neighbours, and their timers never fire', () => {
    const { w, a, b, v0, v1, stack, clock } = pair();
    const icmp = listen(w);
    stack.sendEcho(a.net, ip('10.200.0.2'), 1, 1, DATA);
    stack.sendEcho(a.net, ip('10.200.0.9'), 1, 1, DATA);
    clock.advance(10);
    expect(states(w, a.net)).toEqual(['10.200.0.2 REACHABLE', '10.200.0.9 INCOMPLETE']);
    const held = stack.neighbourEntries(a.net);
    expect(held.every((n) => n.timer?.pending === true)).toBe(true);
    const links = new LinkControl(w.kernel);
    links.set(a.sh, 'veth0', { up: false });
    expect(states(w, a.net)).toEqual([]);
    expect(held.map((n) => n.timer?.pending)).toEqual([false, false]);
    // b's side too (its DELAY entry for a would probe a in 5 s), then both up again at
    // once: a timer of a's that still fired would send an ARP request on veth0 now.
    links.set(b.sh, 'veth1', { up: false });
    expect(states(w, b.net)).toEqual([]);
    links.set(a.sh, 'veth0', { up: true });
    links.set(b.sh, 'veth1', { up: true });
    const before = [tx(v0), tx(v1)];
    const events = icmp.events.length;
    clock.advance(60_000);
    expect([tx(v0), tx(v1)]).toEqual(before);
    expect([states(w, a.net), states(w, b.net)]).toEqual([[], []]);
    // The datagram that waited for 10.200.0.9 went with its entry: no host unreachable.
    expect(icmp.events.length).toBe(events);
    icmp.stop();
    w.end();
  });

  it('namespaces that exit with neighbour timers pending leave the clock idle', () => {
    const { w, a, b, stack, clock } = pair();
    stack.sendEcho(a.net, ip('10.200.0.2'), 1, 1, DATA);
    stack.sendEcho(a.net, ip('10.200.0.9'), 1, 1, DATA);
    clock.advance(10);
    expect(states(w, a.net)).toEqual(['10.200.0.2 REACHABLE', '10.200.0.9 INCOMPLETE']);
    expect(states(w, b.net)).toEqual(['10.200.0.1 DELAY']);
    const held = [...stack.neighbourEntries(a.net), ...stack.neighbourEntries(b.net)];
    expect(held.every((n) => n.timer?.pending === true)).toBe(true);
    const now = clock.now;
    w.end(); // exits the shells, deletes the names, runs until idle, checks netCount 1
    expect(clock.idle).toBe(true);
    expect(held.map((n) => n.timer?.pending)).toEqual([false, false, false]);
    // Nothing was left to jump to: no neighbour timer survived its namespace.
    expect(clock.now).toBe(now);
    expect(w.kernel.netCount).toBe(1);
  });
});

describe('malformed input on a NIC in initNet: counted and dropped, never thrown', () => {
  const LOCAL = ip('10.9.0.1');
  const PEER = ip('10.9.0.2');
  const PEER_MAC = 0x02_00_00_09_00_02;

  function nicHost() {
    const kernel = Kernel.boot({ seed: 1, layers: [devicesLayer({ nics: ['eth0'] }), ipv4Layer()] });
    new LinkControl(kernel).set(kernel.initTask, 'eth0', { up: true });
    new InetControl(kernel).addAddress(kernel.initTask, 'eth0', { local: LOCAL, prefixLen: 24 });
    const eth0 = netdev(kernel).byName(kernel.initNet, 'eth0');
    if (!(eth0 instanceof NicDevice)) throw new Error('eth0 is not a NIC');
    const mib = ipv4Stack(kernel).snmp(kernel.initNet);
    /** Inject a frame and run the receive path at this instant; returns the counters that moved. */
    const receive = (frame: Uint8Array): Record<string, number> => {
      const before = snapshot(mib);
      expect(() => {
        expect(eth0.inject(frame)).toBe(true);
        kernel.clock.runPending();
      }).not.toThrow();
      const after = snapshot(mib);
      return Object.fromEntries(Object.entries(after).filter(([k, v]) => v !== before[k]).map(([k, v]) => [k, v - (before[k] ?? 0)]));
    };
    return { kernel, eth0, mib, receive };
  }

  /** What every test ends with: nothing left to run, no namespace but initNet. */
  function leakCheck(kernel: Kernel): void {
    kernel.clock.runUntilIdle();
    expect(kernel.clock.idle).toBe(true);
    expect(kernel.netCount).toBe(1);
    expect(kernel.dyingCount).toBe(0);
  }

  function snapshot(mib: Snmp): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of IP_MIB) out[`Ip.${f}`] = mib.get('Ip', f);
    for (const f of ICMP_MIB) out[`Icmp.${f}`] = mib.get('Icmp', f);
    return out;
  }

  /** An IPv4 datagram from PEER to LOCAL in a frame for `dstMac`, header checksum valid. */
  function ipFrame(dstMac: number, protocol: number, payload: Uint8Array, payloadLength = payload.length): Uint8Array {
    const frame = new Uint8Array(ETH_HLEN + IPV4_HEADER_LENGTH + payload.length);
    emitEthernet({ destination: dstMac, source: PEER_MAC, etherType: ETH_P_IP }, frame, 0);
    emitIpv4Header(
      {
        source: PEER,
        destination: LOCAL,
        protocol,
        ttl: 64,
        tos: 0,
        identification: 0x4242,
        dontFragment: false,
        moreFragments: false,
        fragmentOffset: 0,
        payloadLength,
      },
      frame,
      ETH_HLEN,
    );
    frame.set(payload, ETH_HLEN + IPV4_HEADER_LENGTH);
    return frame;
  }

  function echo(sequence: number): Uint8Array {
    const m: IcmpRepr = { kind: 'echo-request', identifier: 9, sequence, data: DATA };
    const bytes = new Uint8Array(icmpBufferLength(m));
    emitIcmp(m, bytes, 0);
    return bytes;
  }

  function arpRequestFrame(senderIp: number, senderMac: number, targetIp: number): Uint8Array {
    const frame = new Uint8Array(ETH_HLEN + ARP_LENGTH);
    emitEthernet({ destination: MAC_BROADCAST, source: senderMac, etherType: ETH_P_ARP }, frame, 0);
    emitArp({ operation: ARPOP_REQUEST, senderMac, senderIp, targetMac: 0, targetIp }, frame, ETH_HLEN);
    return frame;
  }

  it('a well-formed echo request is answered (the control case for what follows)', () => {
    const { kernel, eth0, receive } = nicHost();
    expect(receive(arpRequestFrame(PEER, PEER_MAC, LOCAL))).toEqual({});
    const arp = eth0.drain();
    expect(arp.map((f) => [frameEtherType(f), frameDestination(f)])).toEqual([[ETH_P_ARP, PEER_MAC]]);
    expect(parseArp((arp[0] ?? new Uint8Array(0)).subarray(ETH_HLEN))).toMatchObject({ operation: ARPOP_REPLY, senderIp: LOCAL, senderMac: eth0.mac, targetIp: PEER });
    expect(receive(ipFrame(eth0.mac, 1, echo(1)))).toEqual({
      'Ip.InReceives': 1,
      'Ip.InDelivers': 1,
      'Ip.OutRequests': 1,
      'Ip.OutTransmits': 1,
      'Icmp.InMsgs': 1,
      'Icmp.InEchos': 1,
      'Icmp.OutMsgs': 1,
      'Icmp.OutEchoReps': 1,
    });
    expect(eth0.drain().map((f) => [frameEtherType(f), frameDestination(f), f[ETH_HLEN + 9], f[ETH_HLEN + IPV4_HEADER_LENGTH]])).toEqual([[ETH_P_IP, PEER_MAC, 1, 0]]);
    leakCheck(kernel);
  });

  it('bad header checksum, version 6, total length beyond the frame', () => {
    const { kernel, eth0, receive } = nicHost();
    const badSum = ipFrame(eth0.mac, 1, echo(1));
    badSum[ETH_HLEN + 10] = (badSum[ETH_HLEN + 10] ?? 0) ^ 0xff;
    expect(receive(badSum)).toEqual({ 'Ip.InReceives': 1, 'Ip.InHdrErrors': 1 });

    const v6 = ipFrame(eth0.mac, 1, echo(2));
    v6[ETH_HLEN] = 0x65; // version 6, IHL 5; the checksum made valid again
    v6[ETH_HLEN + 10] = 0;
    v6[ETH_HLEN + 11] = 0;
    const sum = internetChecksum(v6, ETH_HLEN, IPV4_HEADER_LENGTH);
    v6[ETH_HLEN + 10] = sum >> 8;
    v6[ETH_HLEN + 11] = sum & 0xff;
    expect(receive(v6)).toEqual({ 'Ip.InReceives': 1, 'Ip.InHdrErrors': 1 });

    // tot_len says 200 more bytes than the frame holds (Linux: InTruncatedPkts, an IpExt field).
    const long = ipFrame(eth0.mac, 1, echo(3), echo(3).length + 200);
    expect(receive(long)).toEqual({ 'Ip.InReceives': 1 });
    expect(eth0.drain()).toEqual([]);
    leakCheck(kernel);
  });

  it('bad ICMP checksum: InCsumErrors and InErrors', () => {
    const { kernel, eth0, receive } = nicHost();
    const msg = echo(1);
    msg[2] = (msg[2] ?? 0) ^ 0x5a;
    expect(receive(ipFrame(eth0.mac, 1, msg))).toEqual({
      'Ip.InReceives': 1,
      'Ip.InDelivers': 1,
      'Icmp.InMsgs': 1,
      'Icmp.InErrors': 1,
      'Icmp.InCsumErrors': 1,
    });
    expect(eth0.drain()).toEqual([]);
    leakCheck(kernel);
  });

  it('unknown protocol 200: InUnknownProtos and a protocol unreachable once the sender is known', () => {
    const { kernel, eth0, receive } = nicHost();
    // The sender asks for us first: the stack learns it (STALE) and answers.
    expect(receive(arpRequestFrame(PEER, PEER_MAC, LOCAL))).toEqual({});
    expect(eth0.drain().map((f) => frameEtherType(f))).toEqual([ETH_P_ARP]);
    expect(ipv4Stack(kernel).neighbourEntries(kernel.initNet).map((n) => `${ipv4ToString(n.ip)} ${n.state}`)).toEqual(['10.9.0.2 STALE']);
    const datagram = ipFrame(eth0.mac, 200, new Uint8Array(16).fill(0xab));
    expect(receive(datagram)).toEqual({
      'Ip.InReceives': 1,
      'Ip.InUnknownProtos': 1,
      'Ip.OutRequests': 1,
      'Ip.OutTransmits': 1,
      'Icmp.OutMsgs': 1,
      'Icmp.OutDestUnreachs': 1,
    });
    const out = eth0.drain();
    expect(out.length).toBe(1);
    const f = out[0] ?? new Uint8Array(0);
    const ipHdr = ETH_HLEN;
    const icmpAt = ipHdr + IPV4_HEADER_LENGTH;
    expect([frameEtherType(f), frameDestination(f), frameSource(f)]).toEqual([ETH_P_IP, PEER_MAC, eth0.mac]);
    expect([f[ipHdr + 9], ipv4ToString(readIpv4(f, ipHdr + 12)), ipv4ToString(readIpv4(f, ipHdr + 16))]).toEqual([1, '10.9.0.1', '10.9.0.2']);
    expect([f[icmpAt], f[icmpAt + 1]]).toEqual([3, 2]);
    expect(internetChecksum(f, icmpAt, f.length - icmpAt)).toBe(0);
    // The quote starts with the offending header.
    expect(f.subarray(icmpAt + 8, icmpAt + 8 + IPV4_HEADER_LENGTH)).toEqual(datagram.subarray(ETH_HLEN, ETH_HLEN + IPV4_HEADER_LENGTH));
    expect(ipv4Stack(kernel).neighbourEntries(kernel.initNet).map((n) => `${ipv4ToString(n.ip)} ${n.state}`)).toEqual(['10.9.0.2 DELAY']);
    leakCheck(kernel);
  });

  it('truncated ARP (a 20-byte frame, and 20 bytes of ARP): dropped silently', () => {
    const { kernel, eth0, receive } = nicHost();
    const sender = ip('10.9.0.3');
    const whole = arpRequestFrame(sender, PEER_MAC, LOCAL);
    const tiny = whole.slice(0, 20); // Ethernet header and 6 bytes of ARP
    const short = whole.slice(0, ETH_HLEN + 20); // 20 bytes of ARP: the target fields cut off
    expect(receive(tiny)).toEqual({});
    expect(receive(short)).toEqual({});
    expect(eth0.drain()).toEqual([]);
    expect(ipv4Stack(kernel).neighbourEntries(kernel.initNet)).toEqual([]);
    // The same request whole is answered: the drops above were for the length alone.
    expect(receive(whole)).toEqual({});
    expect(eth0.drain().map((f) => frameEtherType(f))).toEqual([ETH_P_ARP]);
    leakCheck(kernel);
  });
});
