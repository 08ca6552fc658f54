import type { Task } from '@netstage/core-net';
import { IPV4_SYSCTLS } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import {
  PingSocket,
  RawSocket,
  UDP,
  UDP_MIB,
  UDP_PORT_RANGE_DEFAULT,
  UNIX,
  inetFamily,
  netlinkProtocol,
  socketLayer,
  type SocketType,
} from '../src/index.js';
import { ip, netErrorOf, world, type World } from './support.js';

// An idle namespace is small (DESIGN §6): the sockets layer's tables and counters are
// made on first use, defaults are shared until written, and ping and raw sockets live in
// kernel-wide tables keyed by namespace. What a user sees must not change.

/** How to close each socket {@link open} made: its task closes its descriptor. */
const fds = new Map<PingSocket | RawSocket, () => void>();
const close = (s: PingSocket | RawSocket): void => fds.get(s)?.();

/** A ping or raw socket of `sh`. */
function open(w: World, sh: Task, type: SocketType, protocol: number): PingSocket | RawSocket {
  const layer = socketLayer(w.kernel);
  const fd = layer.socket(sh, 'inet', type, protocol);
  const s = layer.fdSocket(sh, fd);
  if (!(s instanceof PingSocket) && !(s instanceof RawSocket)) throw new Error('not a ping or raw socket');
  fds.set(s, () => sh.close(fd));
  return s;
}


describe('an idle namespace', () => {
  it('reads empty tables, zero counters and the default port range before any socket exists', () => {
    const w = world();
    const { net } = w.ns('idle');
    const udp = net.state(UDP);
    expect(udp.byPort.size).toBe(0);
    expect(Array.from(udp.mib)).toEqual(UDP_MIB.map(() => 0));
    for (const f of UDP_MIB) expect(udp.get(f)).toBe(0);
    expect(udp.portRange).toBe(UDP_PORT_RANGE_DEFAULT);
    expect(udp.portRange).toEqual([32768, 60999]);
    expect(net.state(UNIX).abstract.size).toBe(0);
    const inet = inetFamily(w.kernel);
    expect(inet.udp.sockets(net)).toEqual([]);
    expect(inet.ping.sockets(net)).toEqual([]);
    expect(inet.raw.sockets(net)).toEqual([]);
    expect(inet.raw.inUse(net)).toBe(0);
    w.end();
  });

  it('has its rtnetlink kernel socket from setup: each namespace its own inode, taken before later sockets', () => {
    const w = world();
    const netlink = netlinkProtocol(w.kernel);
    const a = w.ns('a');
    const b = w.ns('b');
    const ka = netlink.kernelSocket(a.net);
    const kb = netlink.kernelSocket(b.net);
    expect(ka).toMatchObject({ protocol: 0, portid: 0, refcount: 2 });
    expect(kb).toMatchObject({ protocol: 0, portid: 0, refcount: 2 });
    expect((kb?.inode ?? 0) - (ka?.inode ?? 0)).toBe(1);
    const { sock } = w.udp(b.sh);
    expect(sock.inode - (kb?.inode ?? 0)).toBe(1);
    w.end();
  });

  it('a written ip_local_port_range is the namespace\'s own; the shared default and other namespaces keep theirs', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    a.net.state(UDP).portRange = [40000, 40000];
    expect(b.net.state(UDP).portRange).toEqual([32768, 60999]);
    expect(UDP_PORT_RANGE_DEFAULT).toEqual([32768, 60999]);
    expect(Object.isFrozen(UDP_PORT_RANGE_DEFAULT)).toBe(true);
    w.links.set(a.sh, 'lo', { up: true });
    const { sock } = w.udp(a.sh);
    sock.bind({ address: 0, port: 0 });
    expect(sock.local.port).toBe(40000);
    w.end();
  });

  it('counts into its own UDP counters from the first event; other namespaces still read zeros', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.set(a.sh, 'lo', { up: true });
    const { sock } = w.udp(a.sh);
    sock.send(new Uint8Array(4), { address: ip('127.0.0.1'), port: 9 });
    w.kernel.clock.runUntilIdle();
    const udpA = a.net.state(UDP);
    expect(udpA.get('OutDatagrams')).toBe(1);
    expect(udpA.get('NoPorts')).toBe(1);
    expect(udpA.mib[UDP_MIB.indexOf('NoPorts')]).toBe(1);
    expect(Array.from(b.net.state(UDP).mib)).toEqual(UDP_MIB.map(() => 0));
    w.end();
  });
});

describe('ping and raw sockets in kernel-wide tables keyed by namespace', () => {
  it('the same identifier binds once in each namespace, is listed only there, and is free again after close', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    for (const n of [a, b]) {
      w.links.set(n.sh, 'lo', { up: true });
      n.net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
    }
    const pa = open(w, a.sh, 'dgram', 1) as PingSocket;
    const pb = open(w, b.sh, 'dgram', 1) as PingSocket;
    pa.bind({ address: 0, port: 77 });
    pb.bind({ address: 0, port: 77 });
    const again = open(w, a.sh, 'dgram', 1);
    expect(netErrorOf(() => again.bind({ address: 0, port: 77 })).code).toBe('EADDRINUSE');
    const ping = inetFamily(w.kernel).ping;
    expect(ping.sockets(a.net)).toEqual([pa]);
    expect(ping.sockets(b.net)).toEqual([pb]);

    // An echo reply to identifier 77 in rsch-a reaches rsch-a's socket only.
    pa.send(Uint8Array.from([8, 0, 0, 0, 0, 0, 0, 1]), { address: ip('127.0.0.1'), port: 0 });
    w.kernel.clock.runUntilIdle();
    expect(pa.queueLength).toBe(1);
    expect(pb.queueLength).toBe(0);

    close(pa);
    expect(ping.sockets(a.net)).toEqual([]);
    again.bind({ address: 0, port: 77 });
    expect(ping.sockets(a.net)).toEqual([again]);
    expect(ping.sockets(b.net)).toEqual([pb]);
    w.end();
  });

  it('raw sockets of one protocol in two namespaces: each counted and fed in its own', () => {
    const w = world();
    const a = w.ns('a');
    const b = w.ns('b');
    w.links.set(a.sh, 'lo', { up: true });
    const ra = open(w, a.sh, 'raw', 253);
    const rb1 = open(w, b.sh, 'raw', 253);
    const rb2 = open(w, b.sh, 'raw', 253);
    const raw = inetFamily(w.kernel).raw;
    expect(raw.inUse(a.net)).toBe(1);
    expect(raw.inUse(b.net)).toBe(2);
    expect(raw.sockets(b.net)).toEqual([rb2, rb1]);
    ra.send(Uint8Array.from([1, 2, 3]), { address: ip('127.0.0.1'), port: 0 });
    w.kernel.clock.runUntilIdle();
    expect(ra.queueLength).toBe(1);
    expect(rb1.queueLength + rb2.queueLength).toBe(0);
    close(rb1);
    expect(raw.inUse(b.net)).toBe(1);
    expect(raw.sockets(b.net)).toEqual([rb2]);
    w.end();
  });
});
