import { Kernel, type Net, type Task } from '@netstage/core-net';
import { LinkControl, STAT, devicesLayer, netdev } from '@netstage/devices';
import {
  ICMP_MIB,
  IPPROTO_ICMP,
  IP_MIB,
  InetControl,
  RT_SCOPE,
  emitIcmp,
  icmpBufferLength,
  ipv4,
  ipv4Layer,
  ipv4Stack,
  ipv4ToString,
  parseIpv4,
  type IcmpEvent,
  type IcmpRepr,
  type Route,
} from '@netstage/ipv4';
import { describe, expect, it } from 'vitest';
import { linuxAvailable, runLinuxSteps } from '../src/linux.js';

// IPv4 on the real kernel and on netstage, side by side: `ip route` / `ip -o addr`
// listings after every address, link and route change; /proc/net/snmp and /proc/net/dev
// after one ping over a veth pair; and a router's counters and ICMP errors with
// forwarding off and on. Root only: elsewhere the suite reports itself skipped.
// Each Linux scenario is one script in a private mount namespace whose EXIT trap
// deletes the namespaces it made; IPv6 is off in each namespace before any device
// exists, and the only traffic is the pings between the script's own namespaces (and
// the ARP they trigger).
const linux = linuxAvailable();

const IPV6_OFF =
  "sh -c 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'";

/** What one command of a scenario printed on stdout, and its exit status. */
interface Ran {
  readonly stdout: string;
  readonly status: number;
}

const MARK = '\u0001nst-cmd ';

/**
 * Run `commands` on Linux as one script: the namespaces are made first (IPv6 off in
 * each), an EXIT trap deletes them whatever happens, and each command's stdout and
 * status come back apart. A second step then checks that the trap left no namespace.
 */
function scenario(namespaces: readonly string[], commands: readonly string[]): Ran[] {
  const del = namespaces.map((n) => `ip netns del ${n} 2>/dev/null`).join('; ');
  const make = namespaces.map((n) => `ip netns add ${n} && ip netns exec ${n} ${IPV6_OFF}`).join(' && ');
  const script = [`trap '${del}' EXIT`, `{ ${make}; } || exit 1`];
  commands.forEach((c, i) => script.push(`printf '${MARK}%d\\n' ${i}`, `( ${c} )`, `printf '${MARK}rc %d\\n' $?`));
  const [run, left] = runLinuxSteps([script.join('\n'), 'ip netns list']);
  if (run === undefined || run.status !== 0) throw new Error(`linux scenario failed: ${run?.stderr ?? 'no output'}`);
  expect(left).toEqual({ stdout: '', stderr: '', status: 0 });
  const out: Ran[] = [];
  // The chunks alternate: `N\n` and what command N printed, then `rc S\n`.
  let printed = '';
  for (const chunk of run.stdout.split(MARK).slice(1)) {
    const nl = chunk.indexOf('\n');
    const head = chunk.slice(0, nl);
    if (head.startsWith('rc ')) out.push({ stdout: printed, status: Number(head.slice(3)) });
    else printed = chunk.slice(nl + 1);
  }
  if (out.length !== commands.length) throw new Error(`linux scenario: ${out.length} of ${commands.length} commands ran: ${run.stderr}`);
  return out;
}

/** Lines of `text`, trailing whitespace cut (iproute2 ends every route with a space). */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}

function ip(text: string): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(`bad address ${text}`);
  return n;
}

/** iproute2's `rtnl_rtscope_n2a`. */
function scopeName(scope: number): string {
  switch (scope) {
    case RT_SCOPE.UNIVERSE:
      return 'global';
    case RT_SCOPE.SITE:
      return 'site';
    case RT_SCOPE.LINK:
      return 'link';
    case RT_SCOPE.HOST:
      return 'host';
    case RT_SCOPE.NOWHERE:
      return 'nowhere';
    default:
      return String(scope);
  }
}

/**
 * A route as iproute2 6.1's `print_route` words it for `ip route show table T`
 * (ip/iproute.c): the type unless unicast, the destination (bare for a host route,
 * `default` for /0), `via`, `dev`, `proto` unless boot, `scope` unless universe, `src`,
 * `metric` when not 0 — without the trailing space. Test code only: the real formatter
 * belongs to the CLI package. TOS is never set here and not rendered.
 */
function routeText(r: Route): string {
  if (r.tos !== 0) throw new Error('routeText does not render TOS');
  const words: string[] = [];
  if (r.type !== 'unicast') words.push(r.type);
  words.push(r.prefixLen === 0 ? 'default' : r.prefixLen === 32 ? ipv4ToString(r.dst) : `${ipv4ToString(r.dst)}/${r.prefixLen}`);
  if (r.gateway !== 0) words.push('via', ipv4ToString(r.gateway));
  if (r.dev !== undefined) words.push('dev', r.dev.name);
  if (r.protocol !== 'boot') words.push('proto', r.protocol);
  if (r.scope !== RT_SCOPE.UNIVERSE) words.push('scope', scopeName(r.scope));
  if (r.prefsrc !== 0) words.push('src', ipv4ToString(r.prefsrc));
  if (r.metric !== 0) words.push('metric', String(r.metric));
  return words.join(' ');
}

/** `N: DEV inet A/P [brd B] scope S [secondary] LABEL`, as `ip -4 -o addr` starts each line. */
function addrLinesOf(inet: InetControl, task: Task): string[] {
  return inet.showAddresses(task).flatMap(({ dev, addrs }) =>
    addrs.map((a) => {
      const words = [`${dev.ifindex}: ${dev.name} inet ${ipv4ToString(a.local)}/${a.prefixLen}`];
      if (a.broadcast !== 0) words.push('brd', ipv4ToString(a.broadcast));
      words.push('scope', scopeName(a.scope));
      if (a.secondary) words.push('secondary');
      words.push(a.label);
      return words.join(' ');
    }),
  );
}

/** The same cut out of real `ip -4 -o addr show`: everything before the `\` of the lifetimes. */
function cutAddrLines(stdout: string): string[] {
  return lines(stdout).map((line) => {
    const m = /^(\d+): (\S+)\s+inet (.*?)\\/.exec(line);
    if (m === null) throw new Error(`unexpected ip -o addr line: ${line}`);
    return `${m[1]}: ${m[2]} inet ${(m[3] ?? '').trim()}`;
  });
}

/** `/proc/net/snmp`'s `Group:` header/value line pairs as `Group Field` → value. */
function parseSnmp(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const rows = lines(text);
  for (let i = 0; i + 1 < rows.length; i += 2) {
    const names = (rows[i] ?? '').split(/\s+/);
    const values = (rows[i + 1] ?? '').split(/\s+/);
    const group = (names[0] ?? '').replace(/:$/, '');
    if (values[0] !== names[0]) throw new Error(`unpaired /proc/net/snmp lines at ${rows[i]}`);
    names.slice(1).forEach((n, j) => out.set(`${group} ${n}`, Number(values[j + 1])));
  }
  return out;
}

/** `/proc/net/dev`: device → its rx/tx bytes and packets. */
function parseNetDev(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of lines(text).slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (m === null) continue;
    const f = (m[2] ?? '').split(/\s+/);
    out.set(m[1] ?? '', `rx_bytes=${f[0]} rx_packets=${f[1]} tx_bytes=${f[8]} tx_packets=${f[9]}`);
  }
  return out;
}

/** The `Ip:` fields netstage counts (Forwarding and DefaultTTL come from the settings). */
const IP_FIELDS = IP_MIB.filter((f) => f !== 'Forwarding' && f !== 'DefaultTTL');

/** `Ip F=v` and `Icmp F=v` for every counted field, then the non-zero `IcmpMsg` types, from Linux. */
function linuxCounters(snmp: string): string[] {
  const m = parseSnmp(snmp);
  const icmpMsg = [...m].filter(([k]) => k.startsWith('IcmpMsg ')).map(([k, v]) => `${k}=${v}`);
  return [...IP_FIELDS.map((f) => `Ip ${f}=${m.get(`Ip ${f}`)}`), ...ICMP_MIB.map((f) => `Icmp ${f}=${m.get(`Icmp ${f}`)}`), ...icmpMsg];
}

/** The same from netstage's counters of `net`. */
function simCounters(kernel: Kernel, net: Net): string[] {
  const s = ipv4Stack(kernel).snmp(net);
  const icmpMsg: string[] = [];
  for (const dir of ['in', 'out'] as const) {
    for (let type = 0; type < 256; type++) {
      const n = s.icmpMsgCount(dir, type);
      if (n !== 0) icmpMsg.push(`IcmpMsg ${dir === 'in' ? 'In' : 'Out'}Type${type}=${n}`);
    }
  }
  return [...IP_FIELDS.map((f) => `Ip ${f}=${s.get('Ip', f)}`), ...ICMP_MIB.map((f) => `Icmp ${f}=${s.get('Icmp', f)}`), ...icmpMsg];
}

/** A netstage kernel with devices and IPv4, namespaces with shells, and the leak check. */
function sim() {
  const kernel = Kernel.boot({ layers: [devicesLayer(), ipv4Layer()] });
  const links = new LinkControl(kernel);
  const inet = new InetControl(kernel);
  const shells: Task[] = [];
  return {
    kernel,
    links,
    inet,
    ns(name: string): { net: Net; sh: Task } {
      const net = kernel.netns.add(name);
      const sh = kernel.netns.exec(name, kernel.initTask);
      shells.push(sh);
      return { net, sh };
    },
    /** `ip -n <sh's namespace> link add NAME type veth peer name PEER netns PEERNS`. */
    veth(sh: Task, name: string, peerNs: string, peer: string): void {
      const fd = kernel.netns.open(peerNs, sh);
      try {
        links.add(sh, { kind: 'veth', name, peer: { name: peer, netns: { fd } } });
      } finally {
        sh.close(fd);
      }
    },
    end(): void {
      for (const sh of shells) sh.exit();
      for (const n of kernel.netns.list()) kernel.netns.del(n);
      kernel.clock.runUntilIdle();
      expect(kernel.netCount).toBe(1);
    },
  };
}

type Sim = ReturnType<typeof sim>;

/** `From A icmp_seq=N WHAT` lines of iputils ping, as `A WHAT`. */
function pingErrors(stdout: string): string[] {
  return lines(stdout).flatMap((l) => {
    const m = /^From (\S+) icmp_seq=\d+ (.*)$/.exec(l);
    return m === null ? [] : [`${m[1]} ${m[2]}`];
  });
}

/** An ICMP error event in iputils' words (`pr_icmph`), for the codes met here. */
function errorWords(e: IcmpEvent): string {
  const m = e.message;
  let what: string = m.kind;
  if (m.kind === 'time-exceeded' && m.code === 0) what = 'Time to live exceeded';
  if (m.kind === 'dest-unreachable' && m.code === 0) what = 'Destination Net Unreachable';
  if (m.kind === 'dest-unreachable' && m.code === 1) what = 'Destination Host Unreachable';
  return `${ipv4ToString(e.src)} ${what}`;
}

/** What iputils ping sends: 56 data bytes. */
const DATA = new Uint8Array(56).map((_, i) => i);

describe.skipIf(!linux)('IPv4 against real Linux', () => {
  it('ip route show table local / main and ip -4 -o addr after every address, link and route change', { timeout: 60_000 }, () => {
    interface Step {
      readonly ip: string;
      readonly sim: (s: Sim, a: Task) => unknown;
    }
    const steps: readonly Step[] = [
      { ip: 'ip -n nst-a addr add 10.200.0.1/24 dev v0', sim: (s, a) => s.inet.addAddress(a, 'v0', { local: ip('10.200.0.1'), prefixLen: 24 }) },
      { ip: 'ip -n nst-a addr add 10.200.0.2/24 dev v0', sim: (s, a) => s.inet.addAddress(a, 'v0', { local: ip('10.200.0.2'), prefixLen: 24 }) },
      { ip: 'ip -n nst-a addr add 10.201.0.1/16 dev v0', sim: (s, a) => s.inet.addAddress(a, 'v0', { local: ip('10.201.0.1'), prefixLen: 16 }) },
      // Local routes stay, broadcast and connected ones go.
      { ip: 'ip -n nst-a link set v0 down', sim: (s, a) => s.links.set(a, 'v0', { up: false }) },
      { ip: 'ip -n nst-a link set v0 up', sim: (s, a) => s.links.set(a, 'v0', { up: true }) },
      // promote_secondaries is 0: 10.200.0.2 goes with its primary.
      { ip: 'ip -n nst-a addr del 10.200.0.1/24 dev v0', sim: (s, a) => s.inet.deleteAddress(a, 'v0', ip('10.200.0.1'), 24) },
      {
        ip: 'ip -n nst-a route add 10.99.0.0/16 via 10.201.0.254',
        sim: (s, a) => s.inet.addRoute(a, { dst: ip('10.99.0.0'), prefixLen: 16, gateway: ip('10.201.0.254') }),
      },
      {
        ip: 'ip -n nst-a route add blackhole 10.50.0.0/16',
        sim: (s, a) => s.inet.addRoute(a, { dst: ip('10.50.0.0'), prefixLen: 16, type: 'blackhole' }),
      },
    ];
    const setup =
      'ip -n nst-a link add v0 type veth peer name v1 netns nst-b && ip -n nst-a link set lo up && ip -n nst-a link set v0 up && ip -n nst-b link set v1 up';
    const snapshots = ['ip -n nst-a route show table local', 'ip -n nst-a route show table main', 'ip -n nst-a -4 -o addr show'];
    const script = [setup, ...snapshots];
    for (const step of steps) script.push(step.ip, ...snapshots);
    const real = scenario(['nst-a', 'nst-b'], script);

    const s = sim();
    const { sh: a } = s.ns('nst-a');
    const { sh: b } = s.ns('nst-b');
    s.veth(a, 'v0', 'nst-b', 'v1');
    s.links.set(a, 'lo', { up: true });
    s.links.set(a, 'v0', { up: true });
    s.links.set(b, 'v1', { up: true });
    s.kernel.clock.runUntilIdle();

    const compare = (label: string, at: number): void => {
      const theirs = (i: number): string[] => lines(real[at + i]?.stdout ?? '');
      expect({ label, ok: real.slice(at, at + 3).map((r) => r.status) }).toEqual({ label, ok: [0, 0, 0] });
      expect([label, 'table local', ...theirs(0)]).toEqual([label, 'table local', ...s.inet.showRoutes(a, 255).map(routeText)]);
      expect([label, 'table main', ...theirs(1)]).toEqual([label, 'table main', ...s.inet.showRoutes(a, 254).map(routeText)]);
      expect([label, 'addr', ...cutAddrLines(real[at + 2]?.stdout ?? '')]).toEqual([label, 'addr', ...addrLinesOf(s.inet, a)]);
    };

    expect(real[0]?.status).toBe(0);
    compare('setup', 1);
    steps.forEach((step, i) => {
      const at = 4 + 4 * i;
      expect({ step: step.ip, status: real[at]?.status }).toEqual({ step: step.ip, status: 0 });
      step.sim(s, a);
      s.kernel.clock.runUntilIdle();
      compare(step.ip, at + 1);
    });
    s.end();
  });

  it('one ping over a veth pair: Ip, Icmp and IcmpMsg counters and the veth byte and packet counts on both sides', { timeout: 60_000 }, () => {
    const setup = [
      'ip -n nst-a link add v0 type veth peer name v1 netns nst-b',
      'ip -n nst-a addr add 10.200.0.1/24 dev v0',
      'ip -n nst-b addr add 10.200.0.2/24 dev v1',
      'ip -n nst-a link set lo up',
      'ip -n nst-b link set lo up',
      'ip -n nst-a link set v0 up',
      'ip -n nst-b link set v1 up',
    ].join(' && ');
    // Read right after the ping: nst-b's entry for nst-a goes DELAY when it replies, and
    // five seconds later its unicast ARP probe would move the veth counters.
    const reads = [
      'ip netns exec nst-a cat /proc/net/snmp',
      'ip netns exec nst-b cat /proc/net/snmp',
      'ip netns exec nst-a cat /proc/net/dev',
      'ip netns exec nst-b cat /proc/net/dev',
    ];
    const real = scenario(['nst-a', 'nst-b'], [setup, ...reads, 'ip netns exec nst-a ping -c 1 -W 1 10.200.0.2', ...reads]);
    expect(real.map((r) => r.status)).toEqual(new Array<number>(real.length).fill(0));
    expect(real[5]?.stdout).toContain('1 packets transmitted, 1 received');

    const s = sim();
    const na = s.ns('nst-a');
    const nb = s.ns('nst-b');
    s.veth(na.sh, 'v0', 'nst-b', 'v1');
    s.inet.addAddress(na.sh, 'v0', { local: ip('10.200.0.1'), prefixLen: 24 });
    s.inet.addAddress(nb.sh, 'v1', { local: ip('10.200.0.2'), prefixLen: 24 });
    s.links.set(na.sh, 'lo', { up: true });
    s.links.set(nb.sh, 'lo', { up: true });
    s.links.set(na.sh, 'v0', { up: true });
    s.links.set(nb.sh, 'v1', { up: true });
    const core = netdev(s.kernel);
    const devStats = (net: Net, name: string): string => {
      const st = core.byName(net, name)?.stats;
      return `rx_bytes=${st?.[STAT.rx_bytes]} rx_packets=${st?.[STAT.rx_packets]} tx_bytes=${st?.[STAT.tx_bytes]} tx_packets=${st?.[STAT.tx_packets]}`;
    };
    const compare = (label: string, at: number): void => {
      expect([label, 'nst-a', ...linuxCounters(real[at]?.stdout ?? '')]).toEqual([label, 'nst-a', ...simCounters(s.kernel, na.net)]);
      expect([label, 'nst-b', ...linuxCounters(real[at + 1]?.stdout ?? '')]).toEqual([label, 'nst-b', ...simCounters(s.kernel, nb.net)]);
      expect([label, 'v0', parseNetDev(real[at + 2]?.stdout ?? '').get('v0')]).toEqual([label, 'v0', devStats(na.net, 'v0')]);
      expect([label, 'v1', parseNetDev(real[at + 3]?.stdout ?? '').get('v1')]).toEqual([label, 'v1', devStats(nb.net, 'v1')]);
    };

    compare('before the ping', 1);
    const replies: string[] = [];
    const stop = ipv4Stack(s.kernel).onIcmp((e) => {
      if (e.message.kind === 'echo-reply') replies.push(`${ipv4ToString(e.src)} seq=${e.message.sequence}`);
    });
    ipv4Stack(s.kernel).sendEcho(na.net, ip('10.200.0.2'), 0x1234, 1, DATA);
    s.kernel.clock.advance(10);
    stop();
    expect(replies).toEqual(['10.200.0.2 seq=1']);
    compare('after the ping', 6);
    s.end();
  });

  it('h1 - r - h2: forwarding off drops (InAddrErrors), on answers time exceeded and net unreachable; r\'s counters after each', { timeout: 60_000 }, () => {
    const setup = [
      'ip -n nst-h1 link set lo up',
      'ip -n nst-r link set lo up',
      'ip -n nst-h2 link set lo up',
      'ip -n nst-h1 link add eth0 type veth peer name r1 netns nst-r',
      'ip -n nst-r link add r2 type veth peer name eth0 netns nst-h2',
      'ip -n nst-h1 addr add 10.1.0.2/24 dev eth0',
      'ip -n nst-r addr add 10.1.0.1/24 dev r1',
      'ip -n nst-r addr add 10.2.0.1/24 dev r2',
      'ip -n nst-h2 addr add 10.2.0.2/24 dev eth0',
      'ip -n nst-h1 link set eth0 up',
      'ip -n nst-r link set r1 up',
      'ip -n nst-r link set r2 up',
      'ip -n nst-h2 link set eth0 up',
      'ip -n nst-h1 route add default via 10.1.0.1',
      'ip -n nst-h2 route add default via 10.2.0.1',
    ].join(' && ');
    const snmp = 'ip netns exec nst-r cat /proc/net/snmp';
    const real = scenario(
      ['nst-h1', 'nst-r', 'nst-h2'],
      [
        setup,
        'ip netns exec nst-h1 ping -c 1 -W 1 10.2.0.2',
        snmp,
        'ip netns exec nst-r sysctl -qw net.ipv4.ip_forward=1',
        'ip netns exec nst-h1 ping -c 1 -W 1 -t 1 10.2.0.2',
        snmp,
        'ip netns exec nst-h1 ping -c 1 -W 1 10.9.0.1',
        snmp,
      ],
    );
    // ping exits 1 when nothing answered it.
    expect(real.map((r) => r.status)).toEqual([0, 1, 0, 0, 1, 0, 1, 0]);

    const s = sim();
    const h1 = s.ns('nst-h1');
    const r = s.ns('nst-r');
    const h2 = s.ns('nst-h2');
    for (const n of [h1, r, h2]) s.links.set(n.sh, 'lo', { up: true });
    s.veth(h1.sh, 'eth0', 'nst-r', 'r1');
    s.veth(r.sh, 'r2', 'nst-h2', 'eth0');
    s.inet.addAddress(h1.sh, 'eth0', { local: ip('10.1.0.2'), prefixLen: 24 });
    s.inet.addAddress(r.sh, 'r1', { local: ip('10.1.0.1'), prefixLen: 24 });
    s.inet.addAddress(r.sh, 'r2', { local: ip('10.2.0.1'), prefixLen: 24 });
    s.inet.addAddress(h2.sh, 'eth0', { local: ip('10.2.0.2'), prefixLen: 24 });
    s.links.set(h1.sh, 'eth0', { up: true });
    s.links.set(r.sh, 'r1', { up: true });
    s.links.set(r.sh, 'r2', { up: true });
    s.links.set(h2.sh, 'eth0', { up: true });
    s.inet.addRoute(h1.sh, { dst: 0, prefixLen: 0, gateway: ip('10.1.0.1') });
    s.inet.addRoute(h2.sh, { dst: 0, prefixLen: 0, gateway: ip('10.2.0.1') });

    const stack = ipv4Stack(s.kernel);
    const seen: IcmpEvent[] = [];
    const stop = stack.onIcmp((e) => {
      if (e.net === h1.net) seen.push(e);
    });
    /** What h1 heard back for one ping, in iputils' words; empty when nothing came. */
    const ping = (dst: string, ttl?: number): string[] => {
      seen.length = 0;
      if (ttl === undefined) {
        stack.sendEcho(h1.net, ip(dst), 0x77, 1, DATA);
      } else {
        const message: IcmpRepr = { kind: 'echo-request', identifier: 0x77, sequence: 1, data: DATA };
        const payload = new Uint8Array(icmpBufferLength(message));
        emitIcmp(message, payload, 0);
        stack.send(h1.net, { dst: ip(dst), protocol: IPPROTO_ICMP, ttl, dontFragment: true, payload });
      }
      s.kernel.clock.advance(1_000); // ping -W 1
      return seen.map((e) => (e.message.kind === 'echo-reply' ? `${ipv4ToString(e.src)} reply` : errorWords(e)));
    };
    const counters = (label: string, at: number): void => {
      expect([label, ...linuxCounters(real[at]?.stdout ?? '')]).toEqual([label, ...simCounters(s.kernel, r.net)]);
    };

    // Forwarding off (a new namespace's default): dropped, nothing comes back.
    expect(['forwarding 0', ...pingErrors(real[1]?.stdout ?? '')]).toEqual(['forwarding 0', ...ping('10.2.0.2')]);
    expect(real[1]?.stdout).toContain('1 packets transmitted, 0 received, 100% packet loss');
    counters('forwarding 0', 2);
    expect(stack.snmp(r.net).get('Ip', 'InAddrErrors')).toBe(1);

    ipv4(s.kernel).setIpForward(r.net, 1);
    expect(['ttl 1', ...pingErrors(real[4]?.stdout ?? '')]).toEqual(['ttl 1', ...ping('10.2.0.2', 1)]);
    expect(pingErrors(real[4]?.stdout ?? '')).toEqual(['10.1.0.1 Time to live exceeded']);
    counters('ttl 1', 5);

    expect(['no route', ...pingErrors(real[6]?.stdout ?? '')]).toEqual(['no route', ...ping('10.9.0.1')]);
    expect(pingErrors(real[6]?.stdout ?? '')).toEqual(['10.1.0.1 Destination Net Unreachable']);
    counters('no route', 7);

    stop();
    s.end();
  });
});
