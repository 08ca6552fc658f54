// /proc/net/udp, tcp, raw, icmp, unix, packet, netlink and sockstat: golden rows from
// scenarios mirroring captures on the reference machine (6.18), isolation between
// namespaces, stage fences, and the leak check at the end of every test.
import { NetError, type Net, type Task } from '@netstage/core-net';
import { IPV4_SYSCTLS, parseIpv4 } from '@netstage/ipv4';
import {
  NetlinkSocket,
  PacketSocket,
  PingSocket,
  RawSocket,
  UdpSocket,
  UnixDgramSocket,
  UnixStreamSocket,
  inetFamily,
  socketLayer,
  unixProtocol,
  type Socket,
} from '@netstage/sockets';
import { describe, expect, it } from 'vitest';
import { PROCFS_STAGES, formatTcpRow, kernelPointer } from '../src/index.js';
import { world, type World } from './support.js';

const LO = parseIpv4('127.0.0.1') ?? 0;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof NetError) return e.code;
    throw e;
  }
  return 'ok';
}

/** Socket helpers for one task. */
function sock(w: World, sh: Task) {
  const layer = socketLayer(w.kernel);
  const open = <T extends Socket>(family: Parameters<typeof layer.socket>[1], type: Parameters<typeof layer.socket>[2], protocol = 0): T =>
    layer.fdSocket(sh, layer.socket(sh, family, type, protocol)) as T;
  return {
    udp: () => open<UdpSocket>('inet', 'dgram'),
    ping: () => open<PingSocket>('inet', 'dgram', 1),
    raw: (p: number) => open<RawSocket>('inet', 'raw', p),
    unixStream: () => open<UnixStreamSocket>('unix', 'stream'),
    unixDgram: () => open<UnixDgramSocket>('unix', 'dgram'),
    packet: (type: 'raw' | 'dgram', p: number) => open<PacketSocket>('packet', type, p),
    netlink: () => open<NetlinkSocket>('netlink', 'raw'),
  };
}

/** A namespace with lo up, as `ip netns add` + `ip link set lo up`. */
function nsUp(w: World, name: string): { net: Net; sh: Task } {
  const n = w.ns(name);
  w.links.set(n.sh, 'lo', { up: true });
  return n;
}

/** Replace the columns that differ between Linux runs (sl, inode, pointer) with placeholders. */
function normInet(text: string): string {
  return text.replace(/^ *\d+: (.*?) \d+ (\d+) [0-9a-f]{16} /gm, (_m, mid: string, ref: string) => `SL: ${mid} INO ${ref} PTR `);
}

/** The inode column of an IPv4 table's row. */
function inodeOf(row: string): number {
  return Number(/ (\d+) \d+ [0-9a-f]{16} /.exec(row)?.[1]);
}

function lengths(text: string): number[] {
  return text.split('\n').slice(0, -1).map((l) => l.length);
}

/** Stage ids of every stage but `off` and those that need it. */
function allBut(off: string): string {
  const probe = world();
  const stages = probe.kernel.manifest.stages;
  probe.end();
  const dropped = new Set([off]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const st of stages) {
      if (!dropped.has(st.id) && st.requires.some((r) => dropped.has(r))) {
        dropped.add(st.id);
        grew = true;
      }
    }
  }
  return stages.filter((st) => !dropped.has(st.id)).map((st) => st.id).join(',');
}

const UDP_HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ';
const RAW_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops';
const ICMP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops             ';
const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     ';
const UNIX_HEADER = 'Num       RefCount Protocol Flags    Type St Inode Path';
const PACKET_HEADER = 'sk               RefCnt Type Proto  Iface R Rmem   User   Inode';
const NETLINK_HEADER = 'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode';

describe('/proc/net/udp', () => {
  it('lists bound sockets by bucket, 127 characters a line, as captured on 6.18', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const u1 = s.udp();
    u1.bind({ address: 0, port: 4000 });
    const u2 = s.udp();
    u2.bind({ address: LO, port: 5353 });
    u2.connect({ address: LO, port: 4000 });
    s.udp(); // unbound: in no bucket, not listed
    const text = w.cat(sh, '/proc/net/udp');
    // Captured (`cat -A`, `$` dropped), then normalised in sl, inode and pointer.
    const captured = [
      UDP_HEADER,
      ' 4312: 00000000:0FA0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 455616 2 0000000008f6586d 0        ',
      ' 5665: 0100007F:14E9 0100007F:0FA0 01 00000000:00000000 00:00000000 00000000     0        0 455617 2 00000000d019aa1a 0        ',
    ];
    const rows = text.split('\n').slice(0, -1);
    expect(rows[0]).toBe(UDP_HEADER);
    // Buckets ascend; which socket comes first depends on the mix, so compare as sets.
    expect(new Set(normInet(rows.slice(1).join('\n')).split('\n'))).toEqual(new Set(normInet(captured.slice(1).join('\n')).split('\n')));
    expect(lengths(text)).toEqual([127, 127, 127]);
    // netstage's own values are deterministic: sl from the namespace's mix, inodes counted.
    const udp = inetFamily(w.kernel).udp;
    const net = sh.net;
    const first = udp.sockets(net)[0] as UdpSocket;
    expect(rows[1]?.startsWith(`${String(udp.hashSlot(net, first.local.port)).padStart(5)}: `)).toBe(true);
    expect(rows[1]).toContain(` ${first.inode} 2 ${kernelPointer(first.serial)} 0 `);
    w.end();
  });

  it('prints exactly the same bytes on every run', () => {
    const run = (): string => {
      const w = world();
      const { sh } = nsUp(w, 'nst-a');
      sock(w, sh).udp().bind({ address: 0, port: 4000 });
      const text = w.cat(sh, '/proc/net/udp');
      w.end();
      return text;
    };
    const text = run();
    expect(run()).toBe(text);
    expect(text).toBe(
      `${UDP_HEADER}\n` +
        '13203: 00000000:0FA0 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 100002 2 0000000096a0f96b 0        \n',
    );
  });

  it('shows rx_queue (bytes charged to the receive buffer) and drops', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const rx = s.udp();
    rx.setsockopt(1, 8, 1000); // SO_RCVBUF: 2304
    rx.bind({ address: LO, port: 9000 });
    const tx = s.udp();
    for (let i = 0; i < 10; i++) tx.send(new Uint8Array(64), { address: LO, port: 9000 });
    w.kernel.clock.runUntilIdle();
    const row = w.cat(sh, '/proc/net/udp').split('\n').find((l) => l.includes(':2328 ')) ?? '';
    expect(row).toContain(` 0100007F:2328 00000000:0000 07 00000000:${rx.queuedBytes.toString(16).toUpperCase().padStart(8, '0')} `);
    expect(rx.drops).toBeGreaterThan(0);
    expect(row.trimEnd().endsWith(` ${rx.drops}`)).toBe(true);
    w.end();
  });

  it('orders a bucket newest first and many sockets by ascending bucket', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    // 4000, 20384 and 36768 share a bucket (16384 apart): captured newest first.
    const a = s.udp();
    a.bind({ address: 0, port: 4000 });
    const b = s.udp();
    b.bind({ address: 0, port: 4000 + 16_384 });
    const c = s.udp();
    c.bind({ address: LO, port: 4000 + 2 * 16_384 });
    for (let i = 0; i < 60; i++) s.udp().bind({ address: 0, port: 10_000 + i * 97 });
    const rows = w.cat(sh, '/proc/net/udp').split('\n').slice(1, -1);
    expect(rows).toHaveLength(63);
    const sls = rows.map((r) => Number(r.slice(0, 5)));
    expect([...sls].sort((x, y) => x - y)).toEqual(sls);
    const inodes = rows.filter((r) => r.includes(':0FA0 ') || r.includes(':4FA0 ') || r.includes(':8FA0 ')).map(inodeOf);
    expect(inodes).toEqual([c.inode, b.inode, a.inode]);
    w.end();
  });
});

describe('/proc/net/raw and /proc/net/icmp', () => {
  it('raw: one row per socket by bucket, local port = protocol, no padding', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    s.raw(17).bind({ address: LO, port: 0 });
    const r1 = s.raw(1);
    const r2 = s.raw(1);
    s.raw(6).connect({ address: LO, port: 0 });
    const text = w.cat(sh, '/proc/net/raw');
    const rows = text.split('\n').slice(0, -1);
    expect(rows[0]).toBe(RAW_HEADER);
    const captured = [
      '  69: 0100007F:0011 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 455620 2 0000000030b62132 0',
      '  97: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 460553 2 000000005d65f389 0',
      '  97: 00000000:0001 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 460553 2 000000005d65f389 0',
      ' 156: 0100007F:0006 0100007F:0000 01 00000000:00000000 00:00000000 00000000     0        0 460555 2 0000000043f8e312 0',
    ];
    expect(normInet(rows.slice(1).join('\n')).split('\n').sort()).toEqual(normInet(captured.join('\n')).split('\n').sort());
    expect(lengths(text)).toEqual([114, 118, 118, 118, 118]);
    // Same bucket: the newer socket first (captured: 460554 before 460553).
    const icmpRows = rows.filter((r) => r.includes(':0001 '));
    expect(icmpRows.map(inodeOf)).toEqual([r2.inode, r1.inode]);
    const raw = inetFamily(w.kernel).raw;
    expect(rows.slice(1).map((r) => Number(r.slice(0, 4)))).toEqual(raw.sockets(sh.net).map((x) => raw.hashSlot(sh.net, x.protocol)));
    w.end();
  });

  it('icmp: bound ping sockets by (ident + mix) & 63, padded to 127', () => {
    const w = world();
    const { net, sh } = nsUp(w, 'nst-a');
    net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
    const s = sock(w, sh);
    const p1 = s.ping();
    p1.bind({ address: 0, port: 77 });
    const p2 = s.ping();
    p2.bind({ address: LO, port: 77 + 64 });
    s.ping(); // unbound: not listed
    const text = w.cat(sh, '/proc/net/icmp');
    const rows = text.split('\n').slice(0, -1);
    expect(rows[0]).toBe(ICMP_HEADER);
    expect(lengths(text)).toEqual([127, 127, 127]);
    const captured = [
      '   53: 0100007F:008D 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 460560 2 00000000caa7902b 0        ',
      '   53: 00000000:004D 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 460559 2 000000009c2dccf0 0        ',
    ];
    // Same bucket (77 and 141 are 64 apart), newest first, as captured.
    expect(normInet(rows.slice(1).join('\n'))).toBe(normInet(captured.join('\n')));
    expect(rows[1]?.slice(0, 5)).toBe(String(inetFamily(w.kernel).ping.hashSlot(net, 77)).padStart(5));
    expect(rows[1]).toContain(` ${p2.inode} 2 `);
    w.end();
  });

  it('icmp: a connected socket shows st 01 and its peer', () => {
    const w = world();
    const { net, sh } = nsUp(w, 'nst-a');
    net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
    const p = sock(w, sh).ping();
    p.connect({ address: LO, port: 0 });
    const row = w.cat(sh, '/proc/net/icmp').split('\n')[1] ?? '';
    expect(row).toContain(`: 0100007F:${p.ident.toString(16).toUpperCase().padStart(4, '0')} 0100007F:0000 01 00000000:00000000 `);
    w.end();
  });
});

describe('/proc/net/tcp', () => {
  it('is a header padded to 149 until TCP exists', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    expect(w.cat(sh, '/proc/net/tcp')).toBe(`${TCP_HEADER}\n`);
    expect(TCP_HEADER.length).toBe(149);
    w.end();
  });

  it('formats the rows of transcript 4.B', () => {
    const base = { txQueue: 0, rxQueue: 0, timerActive: 0, timerExpires: 0, retransmits: 0, uid: 0, probesOut: 0, refcount: 1, serial: 1, ato: 0, quickPingpong: 0, cwnd: 10 };
    const a = 0x0ac80001;
    const b = 0x0ac80002;
    expect(
      formatTcpRow(0, { ...base, local: { address: a, port: 40_000 }, remote: { address: b, port: 4001 }, tcpState: 1, inode: 101_388, rto: 20, ssthresh: -1 }, '0000000046c6c32e'),
    ).toBe('   0: 0100C80A:9C40 0200C80A:0FA1 01 00000000:00000000 00:00000000 00000000     0        0 101388 1 0000000046c6c32e 20 0 0 10 -1                    \n');
    expect(
      formatTcpRow(0, { ...base, local: { address: b, port: 4001 }, remote: { address: 0, port: 0 }, tcpState: 10, inode: 100_501, rto: 100, ssthresh: 0 }, '00000000674bae4a'),
    ).toBe('   0: 0200C80A:0FA1 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100501 1 00000000674bae4a 100 0 0 10 0                    \n');
    const row = formatTcpRow(1, { ...base, local: { address: b, port: 4001 }, remote: { address: a, port: 40_000 }, tcpState: 1, inode: 100_504, rto: 20, ssthresh: -1 }, '0000000032b1968f');
    expect(row).toBe('   1: 0200C80A:0FA1 0100C80A:9C40 01 00000000:00000000 00:00000000 00000000     0        0 100504 1 0000000032b1968f 20 0 0 10 -1                    \n');
    expect(row.length).toBe(150);
  });
});

describe('/proc/net/unix', () => {
  it('shows listeners, both ends of a connection, a bound datagram socket, as captured', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const l = s.unixStream();
    l.bind({ kind: 'abstract', name: 'nst-demo' });
    l.listen(5);
    const c = s.unixStream();
    c.connect({ kind: 'abstract', name: 'nst-demo' });
    const a = l.accept();
    sh.install(a);
    const dg = s.unixDgram();
    dg.bind({ kind: 'path', path: '/tmp/cap/nst-sock' });
    const text = w.cat(sh, '/proc/net/unix');
    const rows = text.split('\n').slice(0, -1);
    expect(rows[0]).toBe(UNIX_HEADER);
    const norm = (r: string): string => r.replace(/^[0-9a-f]{16}: /, 'PTR: ').replace(/ (\d{2}) +\d+( |$)/, ' $1 INO$2');
    const captured = [
      '00000000dd3f9370: 00000003 00000000 00000000 0001 03 455625 @nst-demo',
      '00000000b8178e2f: 00000003 00000000 00000000 0001 03 455624',
      '000000003e1a8dc2: 00000002 00000000 00000000 0002 01 455623 /tmp/cap/nst-sock',
      '00000000d5defa35: 00000002 00000000 00010000 0001 01 455622 @nst-demo',
    ];
    expect(rows.slice(1).map(norm).sort()).toEqual(captured.map(norm).sort());
    // Abstract names sit in the upper half of the table: the listener comes last.
    expect(rows[4]).toBe(`${kernelPointer(l.serial)}: 00000002 00000000 00010000 0001 01 ${l.inode} @nst-demo`);
    expect(unixProtocol(w.kernel).hashSlot(l)).toBe(451);
    unixProtocol(w.kernel).unlink('/tmp/cap/nst-sock');
    w.end();
  });

  it('a connection not accepted yet has inode 0 and St 02; accept gives it an inode', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const l = s.unixStream();
    l.bind({ kind: 'abstract', name: 'nst-demo' });
    l.listen(5);
    const c = s.unixStream();
    c.connect({ kind: 'abstract', name: 'nst-demo' });
    const embryo = w.cat(sh, '/proc/net/unix').split('\n').find((r) => r.includes(' 02     0 '));
    expect(embryo).toMatch(/^[0-9a-f]{16}: 00000003 00000000 00000000 0001 02 {5}0 @nst-demo$/);
    const a = l.accept();
    sh.install(a);
    expect(a.inode).toBeGreaterThan(c.inode);
    expect(w.cat(sh, '/proc/net/unix')).toContain(`${embryo?.slice(0, 16) ?? ''}: 00000003 00000000 00000000 0001 03 ${a.inode} @nst-demo\n`);
    w.end();
  });

  it('datagram connect: both ends established, the target holds one more reference', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const dg = s.unixDgram();
    dg.bind({ kind: 'abstract', name: 'nst-dg' });
    const dc = s.unixDgram();
    dc.connect({ kind: 'abstract', name: 'nst-dg' });
    const du = s.unixDgram();
    expect([dg.refcount, dg.established]).toEqual([3, true]);
    expect([dc.refcount, dc.established]).toEqual([2, true]);
    expect([du.refcount, du.established]).toEqual([2, false]);
    const text = w.cat(sh, '/proc/net/unix');
    expect(text).toContain(`: 00000003 00000000 00000000 0002 03 ${dg.inode} @nst-dg\n`);
    expect(text).toContain(`: 00000002 00000000 00000000 0002 03 ${dc.inode}\n`);
    expect(text).toContain(`: 00000002 00000000 00000000 0002 01 ${du.inode}\n`);
    w.end();
  });
});

describe('/proc/net/packet and /proc/net/netlink', () => {
  it('packet: oldest first, RefCnt 3 while running, 2 without a protocol', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const k1 = s.packet('raw', 3);
    k1.bind({ ifindex: 1 });
    const k2 = s.packet('dgram', 0x0800);
    const k3 = s.packet('raw', 0);
    const k4 = s.packet('raw', 0x0806);
    const text = w.cat(sh, '/proc/net/packet');
    expect(text).toBe(
      `${PACKET_HEADER}\n` +
        `${kernelPointer(k1.serial)} 3      3    0003   1     1 0      0      ${k1.inode}\n` +
        `${kernelPointer(k2.serial)} 3      2    0800   0     1 0      0      ${k2.inode}\n` +
        `${kernelPointer(k3.serial)} 2      3    0000   0     0 0      0      ${k3.inode}\n` +
        `${kernelPointer(k4.serial)} 3      3    0806   0     1 0      0      ${k4.inode}\n`,
    );
    w.end();
  });

  it('netlink: the kernel rtnl socket and bound user sockets; unbound ones are not listed', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const s = sock(w, sh);
    const n1 = s.netlink();
    n1.bind(0, sh);
    const n2 = s.netlink();
    n2.bind(0, sh); // the pid is taken: a random negative id
    s.netlink(); // unbound
    expect(n1.portid).toBe(sh.pid);
    expect(n2.portid).toBeGreaterThan(2 ** 31);
    expect(n2.portid).toBeLessThanOrEqual(2 ** 32 - 4097);
    const rows = w.cat(sh, '/proc/net/netlink').split('\n').slice(0, -1);
    expect(rows[0]).toBe(NETLINK_HEADER);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/^[0-9a-f]{16} 0 {3}0 {10}00000000 0 {8}0 {8}0 {5}2 {8}0 {8}\d{6} {2}$/);
    expect(rows[2]).toBe(`${kernelPointer(n1.serial)} 0   ${String(sh.pid).padEnd(10)} 00000000 0        0        0     2        0        ${n1.inode}  `);
    expect(rows[3]).toBe(`${kernelPointer(n2.serial)} 0   ${n2.portid} 00000000 0        0        0     2        0        ${n2.inode}  `);
    expect(code(() => s.netlink().bind(sh.pid))).toBe('EADDRINUSE');
    w.end();
  });

  it('netlink: a request autobinds the socket', () => {
    const w = world();
    const { sh } = nsUp(w, 'nst-a');
    const n = sock(w, sh).netlink();
    n.request({ kind: 'link', op: 'show' }, sh);
    expect(n.portid).toBe(sh.pid);
    expect(w.cat(sh, '/proc/net/netlink').split('\n')).toHaveLength(4);
    w.end();
  });
});

describe('/proc/net/sockstat', () => {
  it('counts the namespace\'s sockets, UDP and raw in use', () => {
    const w = world();
    const { net, sh } = nsUp(w, 'nst-a');
    net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
    const s = sock(w, sh);
    s.udp().bind({ address: 0, port: 4000 });
    s.udp().bind({ address: LO, port: 5353 });
    s.udp(); // unbound: a socket, not in use by UDP
    s.raw(17);
    s.raw(1);
    s.ping().bind({ address: 0, port: 77 });
    const l = s.unixStream();
    l.bind({ kind: 'abstract', name: 'nst-demo' });
    l.listen(5);
    s.unixStream().connect({ kind: 'abstract', name: 'nst-demo' }); // + the connection waiting for accept
    s.packet('raw', 3);
    s.netlink().bind(0, sh);
    expect(w.cat(sh, '/proc/net/sockstat')).toBe(
      'sockets: used 11\nTCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\nUDP: inuse 2 mem 0\nUDPLITE: inuse 0\nRAW: inuse 2\nFRAG: inuse 0 memory 0\n',
    );
    w.end();
  });
});

describe('empty tables, isolation and stages', () => {
  it('a fresh namespace shows the headers only (netlink: the kernel socket)', () => {
    const w = world();
    const { sh } = w.ns('nst-a');
    expect(w.cat(sh, '/proc/net/udp')).toBe(`${UDP_HEADER}\n`);
    expect(w.cat(sh, '/proc/net/raw')).toBe(`${RAW_HEADER}\n`);
    expect(w.cat(sh, '/proc/net/icmp')).toBe(`${ICMP_HEADER}\n`);
    expect(w.cat(sh, '/proc/net/unix')).toBe(`${UNIX_HEADER}\n`);
    expect(w.cat(sh, '/proc/net/packet')).toBe(`${PACKET_HEADER}\n`);
    expect(w.cat(sh, '/proc/net/netlink').split('\n')).toHaveLength(3);
    expect(w.cat(sh, '/proc/net/sockstat').split('\n')[0]).toBe('sockets: used 0');
    w.end();
  });

  it('a socket in one namespace never appears in another\'s files', () => {
    const w = world();
    const a = nsUp(w, 'nst-a');
    const b = nsUp(w, 'nst-b');
    a.net.state(IPV4_SYSCTLS).pingGroupRange = [0, 0];
    const s = sock(w, a.sh);
    s.udp().bind({ address: 0, port: 4000 });
    s.raw(1);
    s.ping().bind({ address: 0, port: 77 });
    s.unixStream().bind({ kind: 'abstract', name: 'nst-demo' });
    s.packet('raw', 3);
    s.netlink().bind(0, a.sh);
    const files = ['udp', 'raw', 'icmp', 'unix', 'packet', 'netlink', 'sockstat'];
    const before = files.map((f) => w.cat(b.sh, `/proc/net/${f}`));
    for (const f of files) expect(w.cat(a.sh, `/proc/net/${f}`)).not.toBe(w.cat(b.sh, `/proc/net/${f}`));
    expect(before.slice(0, 5).every((t) => t.split('\n').length === 2)).toBe(true);
    expect(w.cat(w.kernel.initTask, '/proc/net/udp')).toBe(`${UDP_HEADER}\n`);
    // The same port binds in nst-b; each file still shows its own.
    sock(w, b.sh).udp().bind({ address: 0, port: 4000 });
    const ia = inodeOf(w.cat(a.sh, '/proc/net/udp').split('\n')[1] ?? '');
    const ib = inodeOf(w.cat(b.sh, '/proc/net/udp').split('\n')[1] ?? '');
    expect(ia).not.toBe(ib);
    w.end();
  });

  for (const [file, stage] of [
    ['udp', PROCFS_STAGES.udp],
    ['tcp', PROCFS_STAGES.tcp],
    ['raw', PROCFS_STAGES.raw],
    ['sockstat', PROCFS_STAGES.sockstat],
    ['unix', 'unix-per-ns'],
    ['packet', 'packet-per-ns'],
  ] as const) {
    it(`/proc/net/${file} is absent outside initNet while ${stage} is off`, () => {
      const w = world({ stages: allBut(stage) });
      const child = w.kernel.initTask.fork();
      child.unshare({ net: true });
      expect(code(() => w.cat(child, `/proc/net/${file}`))).toBe('ENOENT');
      expect(w.fs.readdir(child, '/proc/net')).not.toContain(file);
      expect(w.cat(w.kernel.initTask, `/proc/net/${file}`).length).toBeGreaterThan(0);
      child.exit();
      w.end();
    });
  }

  it('icmp and netlink need only /proc/net per namespace', () => {
    const w = world({ stages: allBut(PROCFS_STAGES.udp) });
    const child = w.kernel.initTask.fork();
    child.unshare({ net: true });
    expect(w.cat(child, '/proc/net/icmp')).toBe(`${ICMP_HEADER}\n`);
    expect(w.cat(child, '/proc/net/netlink').startsWith(NETLINK_HEADER)).toBe(true);
    child.exit();
    w.end();
  });
});
