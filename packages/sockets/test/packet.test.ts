import { Kernel, stagePrefixes, type Task } from '@netstage/core-net';
import { ETH_P_ALL, ETH_P_ARP, ETH_P_IP, devicesLayer, netdev, writeMac, type NetDevice } from '@netstage/devices';
import { ipv4Layer, ipv4Stack } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { PacketSocket, SOCKET_STAGES, packetProtocol, socketLayer, socketsLayer, type PacketFrame } from '../src/index.js';
import { ip, netErrorOf, pair, str, text, world, type World } from './support.js';

function packet(w: World, task: Task, type: 'raw' | 'dgram', protocol: number): PacketSocket {
  const layer = socketLayer(w.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'packet', type, protocol));
  if (!(s instanceof PacketSocket)) throw new Error('not a packet socket');
  return s;
}

function drain(s: PacketSocket): PacketFrame[] {
  const out: PacketFrame[] = [];
  while (s.queueLength > 0) out.push(s.recv());
  return out;
}

function dev(w: World, task: Task, name: string): NetDevice {
  const d = netdev(w.kernel).byName(task.net, name);
  if (d === undefined) throw new Error(name);
  return d;
}

/** One ping from rsch-a to rsch-b, run to completion (ARP resolution included). */
function ping(w: World, task: Task): void {
  ipv4Stack(w.kernel).sendEcho(task.net, ip('10.200.0.2'), 7, 1, text('ping'));
  w.kernel.clock.runUntilIdle();
}

const summary = (fs: PacketFrame[]): string[] => fs.map((f) => `${f.protocol.toString(16)} ${f.pktType}`);

/** An Ethernet frame: dst, src, EtherType, payload. */
function ethernet(dst: number, src: number, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  writeMac(f, 0, dst);
  writeMac(f, 6, src);
  f[12] = type >>> 8;
  f[13] = type & 0xff;
  f.set(payload, 14);
  return f;
}

describe('AF_PACKET per namespace (af_packet.c; d12d01d6, v2.6.25)', () => {
  it('ETH_P_ALL in rsch-b sees the ARP and IPv4 of a ping from rsch-a, in and out; a third namespace sees nothing', () => {
    const w = world();
    const { a, b } = pair(w);
    const c = w.ns('rsch-c');
    w.links.set(c.sh, 'lo', { up: true });
    const sb = packet(w, b.sh, 'raw', ETH_P_ALL);
    const sc = packet(w, c.sh, 'raw', ETH_P_ALL);
    expect(sb.net).toBe(b.net);
    ping(w, a.sh);
    const seen = drain(sb);
    // ARP request in, reply out, echo request in, reply out; then rsch-b's neighbour
    // entry (stale, learnt from the request) is confirmed by a unicast probe, out and back.
    expect(summary(seen)).toEqual(['806 broadcast', '806 outgoing', '800 host', '800 outgoing', '806 outgoing', '806 host']);
    const veth1 = dev(w, b.sh, 'veth1');
    for (const f of seen) expect(f.ifindex).toBe(veth1.ifindex);
    // Raw: the whole frame, header included.
    expect(seen[0]?.data.length).toBeGreaterThanOrEqual(42);
    expect(((seen[0]?.data[12] ?? 0) << 8) | (seen[0]?.data[13] ?? 0)).toBe(ETH_P_ARP);
    expect(sc.queueLength).toBe(0);
    expect(sb.drops).toBe(0);
    w.end();
  });

  it('a socket in rsch-a bound to veth0 sees its side: requests out, replies in', () => {
    const w = world();
    const { a } = pair(w);
    const veth0 = dev(w, a.sh, 'veth0');
    const sa = packet(w, a.sh, 'raw', ETH_P_ALL);
    sa.bind({ ifindex: veth0.ifindex });
    expect(sa.ifindex).toBe(veth0.ifindex);
    ping(w, a.sh);
    const seen = drain(sa);
    expect(summary(seen)).toEqual(['806 outgoing', '806 host', '800 outgoing', '800 host', '806 host', '806 outgoing']);
    for (const f of seen) expect(f.ifindex).toBe(veth0.ifindex);
    // Bound to veth0: lo's frames are not for it.
    const udp = w.udp(a.sh);
    udp.sock.send(text('x'), { address: ip('127.0.0.1'), port: 9 });
    w.kernel.clock.runUntilIdle();
    expect(sa.queueLength).toBe(0);
    w.end();
  });

  it('a specific EtherType sees only received frames of that type (ETH_P_ARP)', () => {
    const w = world();
    const { a, b } = pair(w);
    const arp = packet(w, b.sh, 'raw', ETH_P_ARP);
    expect(arp.listening).toBe(ETH_P_ARP);
    ping(w, a.sh);
    // The request and rsch-a's answer to rsch-b's probe; none of rsch-b's own ARP going out.
    expect(summary(drain(arp))).toEqual(['806 broadcast', '806 host']);
    w.end();
  });

  it('protocol 0 receives nothing until bound with a protocol', () => {
    const w = world();
    const { a, b } = pair(w);
    const s = packet(w, b.sh, 'raw', 0);
    ping(w, a.sh);
    expect(s.queueLength).toBe(0);
    s.bind({ ifindex: 0, protocol: ETH_P_IP });
    ipv4Stack(w.kernel).sendEcho(a.net, ip('10.200.0.2'), 7, 2, text('ping'));
    w.kernel.clock.runUntilIdle();
    expect(summary(drain(s))).toEqual(['800 host']);
    w.end();
  });

  it('dgram strips the link header', () => {
    const w = world();
    const { a, b } = pair(w);
    const raw = packet(w, b.sh, 'raw', ETH_P_IP);
    const dg = packet(w, b.sh, 'dgram', ETH_P_IP);
    ping(w, a.sh);
    const r = drain(raw);
    const d = drain(dg);
    expect(d.length).toBe(1);
    expect(r.length).toBe(1);
    expect(d[0]?.data).toEqual(r[0]?.data.subarray(14));
    expect((d[0]?.data[0] ?? 0) >> 4).toBe(4);
    expect(d[0]?.protocol).toBe(ETH_P_IP);
    w.end();
  });

  it('raw send from rsch-a puts a crafted frame on veth0; rsch-b\'s ETH_P_ALL socket gets it', () => {
    const w = world();
    const { a, b } = pair(w);
    const veth0 = dev(w, a.sh, 'veth0');
    const veth1 = dev(w, b.sh, 'veth1');
    const tx = packet(w, a.sh, 'raw', ETH_P_ALL);
    const watch = packet(w, a.sh, 'raw', ETH_P_ALL);
    const rx = packet(w, b.sh, 'raw', ETH_P_ALL);
    const frame = ethernet(veth1.mac, veth0.mac, 0x88b5, text('crafted'));
    expect(tx.send(frame, { ifindex: veth0.ifindex })).toBe(frame.length);
    w.kernel.clock.runUntilIdle();
    const got = drain(rx);
    expect(got.length).toBe(1);
    expect(got[0]?.data).toEqual(frame);
    expect(got[0]?.pktType).toBe('host');
    expect(got[0]?.protocol).toBe(0x88b5);
    expect(str(got[0]?.data.subarray(14) ?? new Uint8Array())).toBe('crafted');
    // The sender's own hook skips its frame (skb_loop_sk); another socket sees it go out.
    expect(tx.queueLength).toBe(0);
    expect(summary(drain(watch))).toEqual(['88b5 outgoing']);
    w.end();
  });

  it('send errors: ENXIO without a device, EMSGSIZE over MTU+14, EINVAL short, ENETDOWN when down', () => {
    const w = world();
    const { a } = pair(w);
    const veth0 = dev(w, a.sh, 'veth0');
    const s = packet(w, a.sh, 'raw', ETH_P_ALL);
    const small = ethernet(0xffff_ffff_ffff, veth0.mac, 0x88b5, text('x'));
    expect(netErrorOf(() => s.send(small)).code).toBe('ENXIO');
    expect(netErrorOf(() => s.send(small, { ifindex: 4242 })).code).toBe('ENXIO');
    expect(netErrorOf(() => s.send(new Uint8Array(veth0.mtu + 15), { ifindex: veth0.ifindex })).code).toBe('EMSGSIZE');
    s.send(new Uint8Array(veth0.mtu + 14), { ifindex: veth0.ifindex });
    expect(netErrorOf(() => s.send(new Uint8Array(10), { ifindex: veth0.ifindex })).code).toBe('EINVAL');
    w.links.set(a.sh, 'veth0', { up: false });
    expect(netErrorOf(() => s.send(small, { ifindex: veth0.ifindex })).code).toBe('ENETDOWN');
    w.end();
  });

  it('bind looks the ifindex up in the socket\'s own namespace: ENODEV for another namespace\'s device', () => {
    const w = world();
    const { a, b } = pair(w);
    w.links.add(b.sh, { kind: 'dummy', name: 'dummy9' });
    const dummy = dev(w, b.sh, 'dummy9');
    expect(netdev(w.kernel).byIndex(a.net, dummy.ifindex)).toBeUndefined();
    const s = packet(w, a.sh, 'raw', ETH_P_ALL);
    const err = netErrorOf(() => s.bind({ ifindex: dummy.ifindex }));
    expect([err.code, err.errno]).toEqual(['ENODEV', 19]);
    expect(s.ifindex).toBe(0);
    // The task moving to rsch-b does not change where the socket looks.
    w.withFd(a.sh, 'rsch-b', (fd) => a.sh.setns(fd));
    expect(netErrorOf(() => s.bind({ ifindex: dummy.ifindex })).code).toBe('ENODEV');
    w.end();
  });

  it('stream sockets are not supported (ESOCKTNOSUPPORT)', () => {
    const w = world();
    const e = netErrorOf(() => socketLayer(w.kernel).socket(w.kernel.initTask, 'packet', 'stream', ETH_P_ALL));
    expect(e.code).toBe('ESOCKTNOSUPPORT');
    w.end();
  });

  it('the bound device going away unbinds the socket: ENETDOWN once, ifindex -1', () => {
    const w = world();
    const { a } = pair(w);
    const veth0 = dev(w, a.sh, 'veth0');
    const s = packet(w, a.sh, 'raw', ETH_P_ALL);
    s.bind({ ifindex: veth0.ifindex });
    expect(packetProtocol(w.kernel).boundTo(veth0)).toBe(1);
    w.links.del(a.sh, 'veth0');
    expect(s.ifindex).toBe(-1);
    expect(netErrorOf(() => s.recv()).code).toBe('ENETDOWN');
    expect(netErrorOf(() => s.recv()).code).toBe('EAGAIN');
    expect(packetProtocol(w.kernel).boundTo(veth0)).toBe(0);
    w.end();
  });

  it('a full receive queue drops and counts', () => {
    const w = world();
    const { a, b } = pair(w);
    const s = packet(w, b.sh, 'raw', ETH_P_ALL);
    s.rcvbuf = 1;
    ping(w, a.sh);
    expect(s.queueLength).toBe(1);
    // queued >= rcvbuf drops (packet_rcv's drop_n_acct): one queued, the other five counted.
    expect(s.drops).toBe(5);
    s.recv();
    expect(s.queuedBytes).toBe(0);
    w.end();
  });
});

const manifest = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] }).manifest;
const prefixes = stagePrefixes(manifest);
const at = prefixes.findIndex((p) => p.ids().at(-1) === SOCKET_STAGES.packetPerNs);

describe('the packet-per-ns stage', () => {
  it('is in the manifest', () => {
    expect(at).toBeGreaterThan(0);
  });

  it.each([at - 1, at, at + 1].map((i) => [i, prefixes[i]?.ids().at(-1) ?? '(none)', i] as const))(
    'prefix %i (through %s): AF_PACKET in initNet sees lo; elsewhere only once packet-per-ns is on',
    (_i, _last, i) => {
      const stages = prefixes[i];
      if (stages === undefined) throw new Error('no prefix');
      const w = world({ stages });
      const init = w.kernel.initTask;
      w.links.set(init, 'lo', { up: true });
      const s = packet(w, init, 'raw', ETH_P_ALL);
      const udp = w.udp(init);
      udp.sock.bind({ address: ip('127.0.0.1'), port: 5000 });
      udp.sock.send(text('hi'), { address: ip('127.0.0.1'), port: 5000 });
      w.kernel.clock.runUntilIdle();
      expect(summary(drain(s))).toEqual(['800 outgoing', '800 host']);

      const { sh } = w.ns('nst-pkt');
      if (stages.ids().includes(SOCKET_STAGES.packetPerNs)) {
        expect(packet(w, sh, 'raw', ETH_P_ALL).net).toBe(sh.net);
      } else {
        const before = sh.fds();
        expect(netErrorOf(() => packet(w, sh, 'raw', ETH_P_ALL)).code).toBe('EAFNOSUPPORT');
        expect(sh.fds()).toEqual(before);
      }
      w.end();
    },
  );
});
