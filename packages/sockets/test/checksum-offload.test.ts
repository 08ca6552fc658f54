// Checksums across veth (include/linux/skbuff.h ip_summed; drivers/net/veth.c). Linux
// sends a UDP datagram over veth as CHECKSUM_PARTIAL and the receiver skips verifying
// it (udp4_csum_init → skb_csum_unnecessary). netstage skips the receiver's sum only
// for frames its own stack checksummed, and still writes every checksum: a capture
// sees correct ones, and bytes anybody else puts on the wire are verified as before.
import { ETH_HLEN, ETH_P_ALL, netdev } from '@netstage/devices';
import { checksumAccumulate } from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { PacketSocket, UDP, socketLayer } from '../src/index.js';
import { ip, pair, text, world, type World } from './support.js';

function rawPacket(w: World, task: Parameters<World['udp']>[0]): PacketSocket {
  const layer = socketLayer(w.kernel);
  const s = layer.fdSocket(task, layer.socket(task, 'packet', 'raw', ETH_P_ALL));
  if (!(s instanceof PacketSocket)) throw new Error('not a packet socket');
  return s;
}

/** The UDP checksum of a captured IPv4/UDP frame verifies (sum with pseudo-header is 0xffff). */
function udpChecksumGood(frame: Uint8Array): boolean {
  const ip4 = frame.subarray(ETH_HLEN);
  const ihl = ((ip4[0] ?? 0) & 0x0f) * 4;
  const udpLength = ((ip4[ihl + 4] ?? 0) << 8) | (ip4[ihl + 5] ?? 0);
  // Pseudo-header: source, destination, zero + protocol 17, UDP length.
  const pseudo = new Uint8Array(12);
  pseudo.set(ip4.subarray(12, 20), 0);
  pseudo[9] = 17;
  pseudo[10] = udpLength >> 8;
  pseudo[11] = udpLength & 0xff;
  return checksumAccumulate(ip4, ihl, udpLength, checksumAccumulate(pseudo, 0, 12)) === 0xffff;
}

/**
 * rsch-a — rsch-b, a receiver bound to port 4000 in b and a sender connected to it in a;
 * `sendCaptured` sends `data` and returns the frame as it left veth0.
 */
function udpPair(w: World) {
  const { a, b } = pair(w);
  w.kernel.clock.runUntilIdle();
  const veth0 = netdev(w.kernel).byName(a.net, 'veth0');
  const veth1 = netdev(w.kernel).byName(b.net, 'veth1');
  if (veth0 === undefined || veth1 === undefined) throw new Error('no veth pair');
  const rx = w.udp(b.sh).sock;
  rx.bind({ address: 0, port: 4000 });
  const tx = w.udp(a.sh).sock;
  tx.connect({ address: ip('10.200.0.2'), port: 4000 });
  const sendCaptured = (data: Uint8Array): Uint8Array => {
    veth0.startCapture();
    tx.send(data);
    w.kernel.clock.runUntilIdle();
    const sent = veth0.stopCapture().find((f) => f.direction === 'out' && f.bytes[ETH_HLEN + 9] === 17);
    if (sent === undefined) throw new Error('no UDP frame captured');
    return sent.bytes;
  };
  return { a, b, veth0, veth1, rx, tx, sendCaptured };
}

describe('UDP checksums across veth', () => {
  it('the stack writes a correct checksum into every datagram it sends: a capture on the far end verifies it', () => {
    const w = world();
    const { veth1, rx, tx } = udpPair(w);
    veth1.startCapture();
    for (const s of ['one', 'two', 'three!']) tx.send(text(s));
    w.kernel.clock.runUntilIdle();
    const udp = veth1.stopCapture().filter((f) => f.direction === 'in' && f.bytes[ETH_HLEN + 9] === 17);
    expect(udp).toHaveLength(3);
    for (const f of udp) expect(udpChecksumGood(f.bytes)).toBe(true);
    expect(rx.queueLength).toBe(3);
    w.end();
  });

  it('a frame with a bad UDP checksum sent by a packet socket is verified and dropped: InCsumErrors and InErrors', () => {
    const w = world();
    const { a, b, veth0, rx, sendCaptured } = udpPair(w);
    // A good frame of the stack's, as a template.
    const sent = sendCaptured(text('template'));
    expect(rx.queueLength).toBe(1);
    rx.recv();
    const before = { csum: b.net.state(UDP).get('InCsumErrors'), errors: b.net.state(UDP).get('InErrors'), in: b.net.state(UDP).get('InDatagrams') };

    // The same frame with one payload byte changed: the IP header still checks, the UDP
    // checksum no longer does.
    const bad = sent.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0x01;
    expect(udpChecksumGood(bad)).toBe(false);
    const ps = rawPacket(w, a.sh);
    ps.send(bad, { ifindex: veth0.ifindex });
    // And the untouched frame by the same packet socket: verified, and good.
    ps.send(sent.slice(), { ifindex: veth0.ifindex });
    w.kernel.clock.runUntilIdle();

    const udp = b.net.state(UDP);
    expect(udp.get('InCsumErrors')).toBe(before.csum + 1);
    expect(udp.get('InErrors')).toBe(before.errors + 1);
    expect(udp.get('InDatagrams')).toBe(before.in + 1);
    expect(rx.queueLength).toBe(1);
    w.end();
  });

  it('a short datagram padded to 60 bytes by the link (as a NIC pads) is trimmed to its IP length: the data and checksum come out right', () => {
    const w = world();
    const { a, b, veth0, rx, sendCaptured } = udpPair(w);
    const sent = sendCaptured(text('hi'));
    expect(sent.length).toBe(ETH_HLEN + 20 + 8 + 2);
    rx.recv();
    const padded = new Uint8Array(60).fill(0xee);
    padded.set(sent);
    rawPacket(w, a.sh).send(padded, { ifindex: veth0.ifindex });
    w.kernel.clock.runUntilIdle();
    expect(rx.queueLength).toBe(1);
    expect([...rx.recv().data]).toEqual([...text('hi')]);
    expect(b.net.state(UDP).get('InCsumErrors')).toBe(0);
    w.end();
  });
});
