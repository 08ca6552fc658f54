import { Kernel, type Task } from '@netstage/core-net';
import { LinkControl, devicesLayer } from '@netstage/devices';
import { InetControl, ipv4Layer, ipv4Stack, parseIpv4 } from '@netstage/ipv4';
import { procFs, procfsLayer } from '@netstage/procfs';
import { socketLayer, socketsLayer, type UdpSocket } from '@netstage/sockets';
import { describe, expect, it } from 'vitest';
import { linuxAvailable, runLinuxSteps } from '../src/linux.js';

// /proc/net and /proc/sys/net on the real kernel and on netstage, side by side, byte for
// byte: two namespaces joined by a veth pair with fixed MACs (so every byte repeats), a
// route through a gateway, two pings, UDP sockets held open while /proc/net/udp is read.
// Root only: elsewhere the suite reports itself skipped. The Linux side runs in a
// private mount namespace (tmpfs on /run), its namespaces are named nst-*, an EXIT trap
// deletes them, IPv6 is off in each before any device exists, and the only traffic is
// between the script's own namespaces.
const linux = linuxAvailable();

const IPV6_OFF = "sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'";

const MARK = '\u0001nst-cmd ';

/** Run `commands` in one Linux script after making `namespaces`; each command's stdout. */
function scenario(namespaces: readonly string[], commands: readonly string[]): string[] {
  const del = namespaces.map((n) => `ip netns del ${n} 2>/dev/null`).join('; ');
  const make = namespaces.map((n) => `ip netns add ${n} && ip netns exec ${n} ${IPV6_OFF}`).join(' && ');
  const script = [`trap '${del}' EXIT`, `{ ${make}; } || exit 1`];
  commands.forEach((c, i) => script.push(`printf '${MARK}%d\\n' ${i}`, `( ${c} ) || echo "nst-failed $?"`));
  script.push(`printf '${MARK}end\\n'`);
  const [run, left] = runLinuxSteps([script.join('\n'), 'ip netns list']);
  if (run === undefined || run.status !== 0) throw new Error(`linux scenario failed: ${run?.stderr ?? 'no output'}`);
  expect(left?.stdout).toBe('');
  const chunks = run.stdout.split(MARK).slice(1, -1);
  if (chunks.length !== commands.length) throw new Error(`linux scenario: ${chunks.length} of ${commands.length} commands ran: ${run.stderr}`);
  return chunks.map((c) => c.slice(c.indexOf('\n') + 1));
}

function ip(text: string): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(`bad address ${text}`);
  return n;
}

/** The columns of a socket file that vary between Linux runs: `sl`, inode and pointer. */
function normaliseUdp(text: string): string {
  return text
    .split('\n')
    .map((line, i) => {
      if (i === 0 || line.trim() === '') return line;
      const f = line.trim().split(/\s+/);
      return [f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[10], f[12]].join(' ');
    })
    .join('\n');
}

const SETUP = [
  'ip -n nst-a link set lo up',
  'ip -n nst-b link set lo up',
  'ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b',
  'ip -n nst-a addr add 10.200.0.1/24 dev veth0',
  'ip -n nst-b addr add 10.200.0.2/24 dev veth1',
  'ip -n nst-a link set veth0 up',
  'ip -n nst-b link set veth1 up',
  'ip -n nst-a route add 10.9.0.0/16 via 10.200.0.2',
  'ip -n nst-a route add 10.8.0.1 via 10.200.0.2',
].join(' && ');

const FILES = ['dev', 'route', 'arp', 'dev_mcast', 'snmp'] as const;

describe.skipIf(!linux)('/proc on Linux and on netstage, side by side', () => {
  it('/proc/net/{dev,route,arp,dev_mcast,snmp} in both namespaces after two pings, byte for byte', { timeout: 60_000 }, () => {
    const reads = FILES.flatMap((f) => [`ip netns exec nst-a cat /proc/net/${f}`, `ip netns exec nst-b cat /proc/net/${f}`]);
    const real = scenario(['nst-a', 'nst-b'], [
      SETUP,
      ...reads,
      'ip netns exec nst-a ping -c 2 -i 0.2 -W 1 10.200.0.2 >/dev/null',
      ...reads,
      'ip netns exec nst-a ls /proc/sys/net/ipv4/conf',
      'ip netns exec nst-a ls /proc/net',
    ]);
    expect(real[0]).toBe('');

    const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
    const links = new LinkControl(kernel);
    const inet = new InetControl(kernel);
    const fs = procFs(kernel);
    const a = { net: kernel.netns.add('nst-a'), sh: kernel.netns.exec('nst-a', kernel.initTask) };
    const b = { net: kernel.netns.add('nst-b'), sh: kernel.netns.exec('nst-b', kernel.initTask) };
    links.set(a.sh, 'lo', { up: true });
    links.set(b.sh, 'lo', { up: true });
    const fd = kernel.netns.open('nst-b', a.sh);
    links.add(a.sh, { kind: 'veth', name: 'veth0', address: 0x02000000_0a01, peer: { name: 'veth1', address: 0x02000000_0b01, netns: { fd } } });
    a.sh.close(fd);
    inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 });
    inet.addAddress(b.sh, 'veth1', { local: ip('10.200.0.2'), prefixLen: 24 });
    links.set(a.sh, 'veth0', { up: true });
    links.set(b.sh, 'veth1', { up: true });
    inet.addRoute(a.sh, { dst: ip('10.9.0.0'), prefixLen: 16, gateway: ip('10.200.0.2') });
    inet.addRoute(a.sh, { dst: ip('10.8.0.1'), prefixLen: 32, gateway: ip('10.200.0.2') });
    const sim = (): string[] => FILES.flatMap((f) => [fs.readFile(a.sh, `/proc/net/${f}`), fs.readFile(b.sh, `/proc/net/${f}`)]);

    const label = (texts: readonly (string | undefined)[]): string[] =>
      texts.map((t, i) => `--- ${FILES[Math.floor(i / 2)]} in nst-${i % 2 === 0 ? 'a' : 'b'}\n${t ?? ''}`);
    expect(label(sim())).toEqual(label(real.slice(1, 1 + reads.length)));
    const stack = ipv4Stack(kernel);
    for (const seq of [1, 2]) {
      stack.sendEcho(a.net, ip('10.200.0.2'), 0x4e53, seq, new Uint8Array(56));
      kernel.clock.advance(200);
    }
    expect(label(sim())).toEqual(label(real.slice(2 + reads.length, 2 + 2 * reads.length)));
    expect(fs.readdir(a.sh, '/proc/sys/net/ipv4/conf').join('\n') + '\n').toBe(real[2 + 2 * reads.length]);
    // netstage's /proc/net holds a subset of Linux's: each of its names is one Linux has.
    const linuxNames = (real[3 + 2 * reads.length] ?? '').trim().split('\n');
    for (const name of fs.readdir(a.sh, '/proc/net')) expect(linuxNames).toContain(name);

    for (const sh of [a.sh, b.sh]) sh.exit();
    for (const n of kernel.netns.list()) kernel.netns.del(n);
    kernel.clock.runUntilIdle();
    expect(kernel.netCount).toBe(1);
  });

  it('/proc/net/udp with a wildcard and a connected socket, up to the columns Linux varies', { timeout: 60_000 }, () => {
    const py =
      "import socket; u=socket.socket(2,2); u.bind(('0.0.0.0',4000)); v=socket.socket(2,2); v.bind(('10.200.0.2',4001)); " +
      "v.connect(('10.200.0.1',53)); w=socket.socket(2,2); print(open('/proc/net/udp').read(), end='')";
    const real = scenario(['nst-a', 'nst-b'], [SETUP, `ip netns exec nst-b python3 -c "${py}"`, 'ip netns exec nst-a cat /proc/net/udp']);

    const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer(), socketsLayer(), procfsLayer()] });
    const links = new LinkControl(kernel);
    const inet = new InetControl(kernel);
    const a = { net: kernel.netns.add('nst-a'), sh: kernel.netns.exec('nst-a', kernel.initTask) };
    const b = { net: kernel.netns.add('nst-b'), sh: kernel.netns.exec('nst-b', kernel.initTask) };
    const fd = kernel.netns.open('nst-b', a.sh);
    links.add(a.sh, { kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: { fd } } });
    a.sh.close(fd);
    inet.addAddress(b.sh, 'veth1', { local: ip('10.200.0.2'), prefixLen: 24 });
    links.set(b.sh, 'veth1', { up: true });
    const layer = socketLayer(kernel);
    const udp = (sh: Task): UdpSocket => layer.fdSocket(sh, layer.socket(sh, 'inet', 'dgram')) as UdpSocket;
    udp(b.sh).bind({ address: 0, port: 4000 });
    const v = udp(b.sh);
    v.bind({ address: ip('10.200.0.2'), port: 4001 });
    v.connect({ address: ip('10.200.0.1'), port: 53 });
    udp(b.sh);
    const fs = procFs(kernel);
    expect(normaliseUdp(fs.readFile(b.sh, '/proc/net/udp'))).toBe(normaliseUdp(real[1] ?? ''));
    expect(fs.readFile(a.sh, '/proc/net/udp')).toBe(real[2]);
    for (const sh of [a.sh, b.sh]) sh.exit();
    for (const n of kernel.netns.list()) kernel.netns.del(n);
    kernel.clock.runUntilIdle();
    expect(kernel.netCount).toBe(1);
  });
});

