import { Kernel } from '@netstage/core-net';
import { ShellSession, bufferedIo, netstageLayers } from '@netstage/cli';
import { describe, expect, it } from 'vitest';
import { linuxAvailable, runLinuxSteps } from '../src/linux.js';

// The netstage command against the real tools: the same script run by `bash s.sh` in
// real namespaces (iproute2, iputils, procps, OpenBSD nc, coreutils) and by `netstage
// run s.sh`, compared byte for byte — stdout, stderr and status — after masking only
// the figures real time makes vary (ping round-trip times and elapsed time). Root only:
// elsewhere the suite reports itself skipped. The Linux side runs in a private mount
// namespace with a tmpfs on /run, names its namespaces nst-*, deletes them on exit,
// turns IPv6 off in each before any device exists (a prologue netstage does not need),
// and only sends traffic between its own namespaces.
const linux = linuxAvailable();

const NAMESPACES = ['nst-a', 'nst-b'];

/** Make the namespaces on Linux, IPv6 off in each (netstage models no IPv6). */
function linuxPrologue(namespaces: readonly string[]): string {
  return namespaces
    .map((n) => `ip netns add ${n} && ip netns exec ${n} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1`)
    .join(' && ');
}

/** Run `body` as `bash s.sh` on Linux after the prologue; stdout, stderr, status. */
function onLinux(body: string, namespaces: readonly string[]): { stdout: string; stderr: string; status: number } {
  const steps = [
    `${linuxPrologue(namespaces)} && mkdir -p /tmp/nst-shell && echo ${Buffer.from(body).toString('base64')} | base64 -d > /tmp/nst-shell/s.sh`,
    'cd /tmp/nst-shell && LC_ALL=C bash s.sh',
    `${namespaces.map((n) => `ip netns del ${n}`).join('; ')}; rm -rf /tmp/nst-shell; ip netns list`,
  ];
  const [made, ran, cleaned] = runLinuxSteps(steps);
  expect(made?.status).toBe(0);
  expect(cleaned?.stdout).toBe('');
  if (ran === undefined) throw new Error('linux side did not run');
  return ran;
}

/** The same on netstage: the namespaces made first, then the body as `s.sh`. */
function onNetstage(body: string, namespaces: readonly string[]): { stdout: string; stderr: string; status: number } {
  const kernel = Kernel.boot({ layers: netstageLayers });
  const setup = new ShellSession(kernel, { io: bufferedIo() });
  expect(setup.run(namespaces.map((n) => `ip netns add ${n}\n`).join(''))).toBe(0);
  setup.close();
  const io = bufferedIo();
  const shell = new ShellSession(kernel, { io, name: 's.sh', lineNumbers: true });
  const status = shell.run(body);
  shell.close();
  return { stdout: io.stdout(), stderr: io.stderr(), status };
}

/** Mask what real time makes vary: ping times and the elapsed figure. */
function mask(text: string): string {
  return text
    .replace(/time=\d+(\.\d+)? ms/g, 'time=T ms')
    .replace(/, time \d+ms/g, ', time Tms')
    .replace(/rtt min\/avg\/max\/mdev = [\d./]+ ms/g, 'rtt min/avg/max/mdev = T ms');
}

function compare(body: string, namespaces: readonly string[] = NAMESPACES): void {
  const real = onLinux(body, namespaces);
  const sim = onNetstage(body, namespaces);
  expect({ stdout: mask(sim.stdout), stderr: mask(sim.stderr), status: sim.status }).toEqual({
    stdout: mask(real.stdout),
    stderr: mask(real.stderr),
    status: real.status,
  });
}

const TOPOLOGY = `ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b
ip -n nst-a addr add 10.200.0.1/24 dev veth0
ip -n nst-b addr add 10.200.0.2/24 dev veth1
ip -n nst-a link set lo up
ip -n nst-b link set lo up
ip -n nst-a link set veth0 up
ip -n nst-b link set veth1 up
`;

describe.skipIf(!linux)('netstage run and bash on Linux, the same script', () => {
  it('ip: links, addresses, routes, the local table, errors and their statuses', { timeout: 60_000 }, () => {
    compare(`${TOPOLOGY}ip -n nst-a -o link
ip -n nst-b link show veth1
ip -n nst-a addr
ip -n nst-a -br addr
ip -n nst-a route add 10.9.0.0/16 via 10.200.0.2 metric 5
ip -n nst-a route
ip -n nst-a route show table local
ip -n nst-a route get 10.9.1.1
ip -n nst-a link set nosuch0 up; echo "status $?"
ip -n nst-a addr add 10.200.0.1/24 dev veth0; echo "status $?"
ip -n nst-a addr add 10.200.0.9/33 dev veth0; echo "status $?"
ip -n nst-a route del 10.98.0.0/16; echo "status $?"
ip -n nst-a link set lo netns nst-b; echo "status $?"
ip netns list
`);
  });

  it('ping, neighbours and /proc/net after it; sysctl; pipes and filters', { timeout: 60_000 }, () => {
    compare(`${TOPOLOGY}ip netns exec nst-a ping -c 2 -i 0.2 10.200.0.2
ip -n nst-a neigh
ip netns exec nst-a cat /proc/net/arp
ip netns exec nst-b cat /proc/net/snmp | grep -E '^(Ip|Icmp):'
ip netns exec nst-a cat /proc/net/dev | wc -l
ip netns exec nst-a sysctl -w net.ipv4.ip_forward=1
ip netns exec nst-a sysctl net.ipv4.conf.veth0.forwarding net.ipv4.conf.default.forwarding
ip netns exec nst-b sysctl net.ipv4.ip_forward
ip netns exec nst-a sysctl -w net.ipv4.ip_default_ttl=0; echo "status $?"
ip netns exec nst-a sysctl net.ipv4.nosuch; echo "status $?"
echo 1 > /proc/net/dev; echo "status $?"
ip netns exec nst-a ls /proc/sys/net/ipv4/conf | sort -r | head -2
ip netns exec nst-a ping -c 1 -W 1 10.201.0.1; echo "status $?"
`);
  });

  it('a line over UDP with nc between the namespaces, and ss while the listener waits', { timeout: 60_000 }, () => {
    compare(`${TOPOLOGY}ip netns exec nst-b nc -u -l -W 1 4000 &
sleep 0.5
ip netns exec nst-b ss -uan
echo 'hello over veth' | ip netns exec nst-a nc -u -w 1 10.200.0.2 4000
wait
ip netns exec nst-b cat /proc/net/snmp | grep '^Udp:'
`);
  });

  it('through a router: forwarding, ping -t 1 answered by Time to live exceeded, -t 2 arriving with ttl 63', { timeout: 60_000 }, () => {
    compare(
      `ip -n nst-h1 link add eth0 address 02:00:00:00:01:02 type veth peer name r-h1 address 02:00:00:00:01:01 netns nst-r
ip -n nst-h2 link add eth0 address 02:00:00:00:02:02 type veth peer name r-h2 address 02:00:00:00:02:01 netns nst-r
ip -n nst-h1 addr add 10.0.1.2/24 dev eth0
ip -n nst-r addr add 10.0.1.1/24 dev r-h1
ip -n nst-r addr add 10.0.2.1/24 dev r-h2
ip -n nst-h2 addr add 10.0.2.2/24 dev eth0
ip -n nst-h1 link set eth0 up
ip -n nst-r link set r-h1 up
ip -n nst-r link set r-h2 up
ip -n nst-h2 link set eth0 up
ip -n nst-h1 route add default via 10.0.1.1
ip -n nst-h2 route add default via 10.0.2.1
ip netns exec nst-h1 ping -c 1 -W 1 10.0.2.2; echo "status $?"
ip netns exec nst-r sysctl -w net.ipv4.ip_forward=1
ip netns exec nst-h1 ping -c 1 -t 1 10.0.2.2; echo "status $?"
ip netns exec nst-h1 ping -c 1 -t 2 10.0.2.2; echo "status $?"
ip netns exec nst-r cat /proc/net/snmp | grep -E '^(Ip|Icmp):'
ip -n nst-h2 route get 10.0.1.2
`,
      ['nst-h1', 'nst-r', 'nst-h2'],
    );
  });
});
