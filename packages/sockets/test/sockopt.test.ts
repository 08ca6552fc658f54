import { describe, expect, it } from 'vitest';
import { netdev } from '@netstage/devices';
import { IPV4_SYSCTLS } from '@netstage/ipv4';
import { IP, SO, SOL, UDP, socketLayer, type Socket } from '../src/index.js';
import { ip, netErrorOf, pair, text, world, type World } from './support.js';

// Figures checked with Python's socket module on a 6.18 kernel (net.core.rmem_max set
// back to its default, 212992): sk_setsockopt in net/core/sock.c.
function open(w: World, family: 'inet' | 'unix', type: 'dgram' | 'stream'): Socket {
  const layer = socketLayer(w.kernel);
  return layer.fdSocket(w.kernel.initTask, layer.socket(w.kernel.initTask, family, type));
}

describe('setsockopt and getsockopt (net/core/sock.c)', () => {
  it('SO_RCVBUF is capped at rmem_max, doubled and raised to SOCK_MIN_RCVBUF; rmem_default until set', () => {
    const w = world();
    const s = open(w, 'inet', 'dgram');
    expect(s.getsockopt(SOL.SOCKET, SO.RCVBUF)).toBe(212_992);
    const cases: [number, number][] = [
      [1000, 2304],
      [1, 2304],
      [0, 2304],
      [100_000, 200_000],
      [10_000_000, 425_984],
      [-1, 425_984],
    ];
    for (const [asked, got] of cases) {
      s.setsockopt(SOL.SOCKET, SO.RCVBUF, asked);
      expect(s.getsockopt(SOL.SOCKET, SO.RCVBUF), `SO_RCVBUF ${asked}`).toBe(got);
    }
    w.end();
  });

  // do_ip_setsockopt / do_ip_getsockopt (net/ipv4/ip_sockglue.c), checked with Python on 6.18:
  // IP_TTL reads ip_default_ttl until set, takes 1..255 or -1 (back to the default), EINVAL otherwise.
  it('IP_TTL: the default until set, 1-255 or -1, EINVAL otherwise; datagrams leave with it', () => {
    const w = world();
    const { a } = pair(w);
    const tx = w.udp(a.sh).sock;
    expect(tx.getsockopt(SOL.IP, IP.TTL)).toBe(64);
    for (const bad of [0, 256, -2]) expect(netErrorOf(() => tx.setsockopt(SOL.IP, IP.TTL, bad))?.code, `IP_TTL ${bad}`).toBe('EINVAL');
    expect(tx.getsockopt(SOL.IP, IP.TTL)).toBe(64);
    tx.setsockopt(SOL.IP, IP.TTL, 5);
    expect(tx.getsockopt(SOL.IP, IP.TTL)).toBe(5);
    const veth0 = netdev(w.kernel).byName(a.net, 'veth0');
    veth0?.startCapture();
    tx.send(text('x'), { address: ip('10.200.0.2'), port: 9 });
    w.kernel.clock.runUntilIdle();
    const out = (veth0?.stopCapture() ?? []).filter((f) => f.direction === 'out' && f.bytes[12] === 0x08 && f.bytes[13] === 0x00);
    expect(out.map((f) => f.bytes[14 + 8])).toEqual([5]);
    tx.setsockopt(SOL.IP, IP.TTL, -1);
    a.net.state(IPV4_SYSCTLS).ipDefaultTtl = 33;
    expect(tx.getsockopt(SOL.IP, IP.TTL)).toBe(33);
    w.end();
  });

  // The same three 1000-byte datagrams over lo on 6.18: 1 received, Udp: InErrors 2, RcvbufErrors 2.
  it('a small SO_RCVBUF makes a UDP socket drop what does not fit, counted as RcvbufErrors and InErrors', () => {
    const w = world();
    const { a, b } = pair(w);
    const rx = w.udp(b.sh).sock;
    rx.setsockopt(SOL.SOCKET, SO.RCVBUF, 1);
    rx.bind({ address: 0, port: 4000 });
    const tx = w.udp(a.sh).sock;
    for (let i = 0; i < 3; i++) tx.send(new Uint8Array(1000), { address: ip('10.200.0.2'), port: 4000 });
    w.kernel.clock.runUntilIdle();
    expect(rx.queueLength).toBe(1);
    expect(rx.drops).toBe(2);
    expect(b.net.state(UDP).get('RcvbufErrors')).toBe(2);
    expect(b.net.state(UDP).get('InErrors')).toBe(2);
    expect(b.net.state(UDP).get('InDatagrams')).toBe(1);
    w.end();
  });

  it('SO_REUSEADDR on both sockets lets a port bind twice in one namespace; EADDRINUSE otherwise', () => {
    const w = world();
    const { a } = pair(w);
    const first = w.udp(a.sh).sock;
    const second = w.udp(a.sh).sock;
    first.bind({ address: 0, port: 5000 });
    expect(netErrorOf(() => second.bind({ address: 0, port: 5000 })).code).toBe('EADDRINUSE');
    const third = w.udp(a.sh).sock;
    third.setsockopt(SOL.SOCKET, SO.REUSEADDR, 1);
    const fourth = w.udp(a.sh).sock;
    fourth.setsockopt(SOL.SOCKET, SO.REUSEADDR, 7);
    expect(fourth.getsockopt(SOL.SOCKET, SO.REUSEADDR)).toBe(1);
    third.bind({ address: 0, port: 6000 });
    fourth.bind({ address: 0, port: 6000 });
    expect(fourth.local.port).toBe(6000);
    w.end();
  });

  it('SO_TYPE, SO_DOMAIN and SO_PROTOCOL read as Linux reports them', () => {
    const w = world();
    const udp = open(w, 'inet', 'dgram');
    const unix = open(w, 'unix', 'stream');
    const read = (s: Socket): number[] => [SO.TYPE, SO.DOMAIN, SO.PROTOCOL].map((o) => s.getsockopt(SOL.SOCKET, o));
    expect(read(udp)).toEqual([2, 2, 17]);
    expect(read(unix)).toEqual([1, 1, 0]);
    w.end();
  });

  it('SO_ERROR reports ECONNREFUSED (111) from a port unreachable once, and clears it', () => {
    const w = world();
    const { a } = pair(w);
    const { sock } = w.udp(a.sh);
    sock.connect({ address: ip('10.200.0.2'), port: 4999 });
    sock.send(text('hello'));
    w.kernel.clock.runUntilIdle();
    expect(sock.getsockopt(SOL.SOCKET, SO.ERROR)).toBe(111);
    expect(sock.getsockopt(SOL.SOCKET, SO.ERROR)).toBe(0);
    expect(netErrorOf(() => sock.recv()).code).toBe('EAGAIN');
    w.end();
  });

  it('unknown options: ENOPROTOOPT (SOL_SOCKET, SOL_UDP, SOL_IP), EOPNOTSUPP (getsockopt at another level; AF_UNIX)', () => {
    const w = world();
    const udp = open(w, 'inet', 'dgram');
    const unix = open(w, 'unix', 'stream');
    const code = (fn: () => unknown): string => netErrorOf(fn).code;
    expect(code(() => udp.setsockopt(SOL.SOCKET, 999, 1))).toBe('ENOPROTOOPT');
    expect(code(() => udp.getsockopt(SOL.SOCKET, 999))).toBe('ENOPROTOOPT');
    expect(code(() => udp.setsockopt(SOL.SOCKET, SO.TYPE, 1))).toBe('ENOPROTOOPT');
    expect(code(() => udp.setsockopt(SOL.UDP, 99, 1))).toBe('ENOPROTOOPT');
    expect(code(() => udp.getsockopt(SOL.UDP, 99))).toBe('ENOPROTOOPT');
    expect(code(() => udp.setsockopt(SOL.TCP, 1, 1))).toBe('ENOPROTOOPT');
    expect(code(() => udp.getsockopt(SOL.TCP, 1))).toBe('EOPNOTSUPP');
    expect(code(() => unix.setsockopt(SOL.IP, 1, 1))).toBe('EOPNOTSUPP');
    expect(code(() => unix.getsockopt(SOL.UDP, 99))).toBe('EOPNOTSUPP');
    w.end();
  });

  it('netfilter sockopts (IPT_SO_SET_REPLACE, IPT_SO_GET_INFO = 64): ENOPROTOOPT in every namespace — netstage has no netfilter (patch 17/16, c48dad7e)', () => {
    const w = world();
    const { a } = pair(w);
    const inInit = open(w, 'inet', 'dgram');
    const inA = w.udp(a.sh).sock;
    for (const s of [inInit, inA]) {
      expect(netErrorOf(() => s.setsockopt(SOL.IP, 64, 0)).code).toBe('ENOPROTOOPT');
      expect(netErrorOf(() => s.getsockopt(SOL.IP, 64)).code).toBe('ENOPROTOOPT');
    }
    w.end();
  });

  it('EINVAL for a value that is not an integer, and nothing changes', () => {
    const w = world();
    const s = open(w, 'inet', 'dgram');
    const e = netErrorOf(() => s.setsockopt(SOL.SOCKET, SO.RCVBUF, 1.5));
    expect([e.code, e.syscall]).toEqual(['EINVAL', 'setsockopt']);
    expect(s.getsockopt(SOL.SOCKET, SO.RCVBUF)).toBe(212_992);
    w.end();
  });
});
