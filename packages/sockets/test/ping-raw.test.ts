import { Kernel, stagePrefixes, type Task } from '@netstage/core-net';
import { devicesLayer } from '@netstage/devices';
import { IPV4_SYSCTLS, ipv4Layer, ipv4Stack } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { PingSocket, RawSocket, SOCKET_STAGES, socketLayer, socketsLayer, type SocketType } from '../src/index.js';
import { ip, netErrorOf, pair, world, type World } from './support.js';

// Ping sockets (net/ipv4/ping.c) and raw IP sockets (net/ipv4/raw.c) per namespace.

const manifest = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer()] }).manifest;
const prefixes = stagePrefixes(manifest);

function open(w: World, task: Task, type: SocketType, protocol: number): PingSocket | RawSocket {
  const layer = socketLayer(w.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'inet', type, protocol));
  if (!(s instanceof PingSocket) && !(s instanceof RawSocket)) throw new Error('not a ping or raw socket');
  return s;
}

/** An echo request as user space writes it: identifier 0xbeef, checksum left 0. */
function echoRequest(sequence: number, payload: readonly number[]): Uint8Array {
  return Uint8Array.from([8, 0, 0, 0, 0xbe, 0xef, sequence >> 8, sequence & 0xff, ...payload]);
}

const u16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);

describe('ping sockets (net/ipv4/ping.c)', () => {
  it('an echo reply from 10.200.0.2 reaches the socket, with the identifier the kernel wrote; raw ICMP sockets see copies in their namespace only', () => {
    const w = world();
    const { a, b } = pair(w);
    const c = w.ns('rsch-c');
    w.links.set(c.sh, 'lo', { up: true });
    a.net.state(IPV4_SYSCTLS).pingGroupRange = [0, 2_147_483_647];
    const ping = open(w, a.sh, 'dgram', 1);
    expect(ping).toBeInstanceOf(PingSocket);
    const rawA = open(w, a.sh, 'raw', 1);
    const rawB = open(w, b.sh, 'raw', 1);
    const rawC = open(w, c.sh, 'raw', 1);

    ping.send(echoRequest(1, [1, 2, 3, 4]), { address: ip('10.200.0.2'), port: 0 });
    w.kernel.clock.runUntilIdle();

    const ident = (ping as PingSocket).ident;
    expect(ident).not.toBe(0);
    const reply = ping.recv();
    expect(reply.from.address).toBe(ip('10.200.0.2'));
    expect(reply.data[0]).toBe(0); // echo reply
    expect(u16(reply.data, 4)).toBe(ident);
    expect(u16(reply.data, 4)).not.toBe(0xbeef);
    expect(u16(reply.data, 6)).toBe(1);
    expect([...reply.data.subarray(8)]).toEqual([1, 2, 3, 4]);
    expect(netErrorOf(() => ping.recv()).code).toBe('EAGAIN');

    // rsch-b's raw socket saw the request arrive: the whole datagram, IP header first.
    const req = rawB.recv();
    expect(req.from.address).toBe(ip('10.200.0.1'));
    expect(req.data[9]).toBe(1);
    const ihl = ((req.data[0] ?? 0) & 0x0f) * 4;
    expect(req.data[ihl]).toBe(8);
    expect(u16(req.data, ihl + 4)).toBe(ident);
    expect(rawB.queueLength).toBe(0); // what it sends is not copied to it
    // rsch-a's raw socket saw the reply, beside the ping socket.
    expect(rawA.recv().data[20]).toBe(0);
    // rsch-c saw nothing.
    expect(rawC.queueLength).toBe(0);
    expect(netErrorOf(() => rawC.recv()).code).toBe('EAGAIN');

    const snmp = ipv4Stack(w.kernel).snmp(a.net);
    expect(snmp.get('Icmp', 'OutEchos')).toBe(1);
    expect(snmp.get('Icmp', 'InEchoReps')).toBe(1);
    w.end();
  });

  it('EACCES with the default ping_group_range "1 0" (root included), per namespace', () => {
    const w = world();
    const { a, b } = pair(w);
    expect(a.net.state(IPV4_SYSCTLS).pingGroupRange).toEqual([1, 0]);
    const before = a.sh.fds();
    const err = netErrorOf(() => open(w, a.sh, 'dgram', 1));
    expect([err.code, err.errno]).toEqual(['EACCES', 13]);
    expect(a.sh.fds()).toEqual(before);
    b.net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
    expect(open(w, b.sh, 'dgram', 1)).toBeInstanceOf(PingSocket);
    expect(netErrorOf(() => open(w, a.sh, 'dgram', 1)).code).toBe('EACCES');
    w.end();
  });

  it('EINVAL for a message other than an echo request; ENETUNREACH without a route; EADDRNOTAVAIL for a foreign address', () => {
    const w = world();
    const { a } = pair(w);
    a.net.state(IPV4_SYSCTLS).pingGroupRange = [0, 10];
    const ping = open(w, a.sh, 'dgram', 1) as PingSocket;
    const reply = echoRequest(1, []);
    reply[0] = 0;
    expect(netErrorOf(() => ping.send(reply, { address: ip('10.200.0.2'), port: 0 })).code).toBe('EINVAL');
    expect(netErrorOf(() => ping.send(new Uint8Array(4), { address: ip('10.200.0.2'), port: 0 })).code).toBe('EINVAL');
    expect(netErrorOf(() => ping.send(echoRequest(1, []), { address: ip('10.201.0.1'), port: 0 })).code).toBe('ENETUNREACH');
    expect(netErrorOf(() => ping.connect({ address: ip('10.201.0.1'), port: 0 })).code).toBe('ENETUNREACH');
    const other = open(w, a.sh, 'dgram', 1) as PingSocket;
    expect(netErrorOf(() => other.bind({ address: ip('10.200.0.2'), port: 0 })).code).toBe('EADDRNOTAVAIL');
    other.bind({ address: ip('10.200.0.1'), port: 77 });
    expect(other.ident).toBe(77);
    const third = open(w, a.sh, 'dgram', 1) as PingSocket;
    expect(netErrorOf(() => third.bind({ address: 0, port: 77 })).code).toBe('EADDRINUSE');
    w.end();
  });
});

describe('raw IP sockets (net/ipv4/raw.c)', () => {
  it('SOCK_RAW with protocol 0 is EPROTONOSUPPORT, as is SOCK_DGRAM with TCP', () => {
    const w = world();
    const init = w.kernel.initTask;
    expect(netErrorOf(() => open(w, init, 'raw', 0)).code).toBe('EPROTONOSUPPORT');
    expect(netErrorOf(() => open(w, init, 'dgram', 6)).code).toBe('EPROTONOSUPPORT');
    expect(netErrorOf(() => open(w, init, 'raw', 263)).code).toBe('EINVAL');
    w.end();
  });

  it('a raw socket of an unregistered protocol sends and receives it; taken by a raw socket, no protocol unreachable', () => {
    const w = world();
    const { a, b } = pair(w);
    const tx = open(w, a.sh, 'raw', 253);
    const layer = socketLayer(w.kernel);
    const rxFd = layer.socket(b.sh, 'inet', 'raw', 253);
    const rx = layer.fdSocket(b.sh, rxFd) as RawSocket;
    const icmpA = open(w, a.sh, 'raw', 1);
    tx.send(Uint8Array.from([0xca, 0xfe]), { address: ip('10.200.0.2'), port: 0 });
    w.kernel.clock.runUntilIdle();
    const d = rx.recv();
    expect(d.from.address).toBe(ip('10.200.0.1'));
    expect(d.data[9]).toBe(253);
    expect([...d.data.subarray(20)]).toEqual([0xca, 0xfe]);
    const snmp = ipv4Stack(w.kernel).snmp(b.net);
    expect(snmp.get('Ip', 'InUnknownProtos')).toBe(0);
    expect(snmp.get('Ip', 'InDelivers')).toBe(1);
    // Without the raw socket the stack answers with protocol unreachable.
    b.sh.close(rxFd);
    tx.send(Uint8Array.from([1]), { address: ip('10.200.0.2'), port: 0 });
    w.kernel.clock.runUntilIdle();
    expect(snmp.get('Ip', 'InUnknownProtos')).toBe(1);
    const unreach = icmpA.recv().data;
    expect([unreach[20], unreach[21]]).toEqual([3, 2]); // protocol unreachable
    expect(tx.queueLength).toBe(0);
    w.end();
  });

  const at = prefixes.findIndex((p) => p.ids().at(-1) === SOCKET_STAGES.inetCreate);
  it.each([
    [at - 1, false],
    [at, true],
  ] as const)('prefix %i: outside initNet raw sockets open only from inet-create-per-protocol (%s)', (i, allowed) => {
    const stages = prefixes[i];
    if (stages === undefined) throw new Error('no such prefix');
    const w = world({ stages });
    const { sh } = w.ns('nst-raw');
    if (allowed) {
      expect(open(w, sh, 'raw', 1).net).toBe(sh.net);
      // Ping sockets still wait for ICMP to be marked namespace ready.
      sh.net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
      expect(netErrorOf(() => open(w, sh, 'dgram', 1)).code).toBe('EAFNOSUPPORT');
    } else {
      const before = sh.fds();
      expect(netErrorOf(() => open(w, sh, 'raw', 1)).code).toBe('EAFNOSUPPORT');
      expect(sh.fds()).toEqual(before);
    }
    w.end();
  });
});
