import { Kernel, NetError, type ErrnoCode, type Net, type Task } from '@netstage/core-net';
import { IFF, LinkControl, devicesLayer, type LinkInfo } from '@netstage/devices';
import { describe, expect, it } from 'vitest';
import { linuxAvailable, runLinuxSteps } from '../src/linux.js';

// `ip link` on veth pairs and lo in two namespaces, real kernel and netstage side by
// side: after every step, every device of both namespaces is compared on ifindex,
// name, `@peer`, the flag list, mtu and state, as `ip -o link` prints them (MACs are
// random and not compared); refused steps are compared on iproute2's error line.
// Root only: elsewhere the suite reports itself skipped. The Linux side sends no
// traffic: IPv6 is off in both namespaces before any device exists, and no address is
// ever configured.
const linux = linuxAvailable();

/** iproute2's `print_link_flags` order (ip/ipaddress.c). */
const FLAG_NAMES = [
  'LOOPBACK',
  'BROADCAST',
  'POINTOPOINT',
  'MULTICAST',
  'NOARP',
  'ALLMULTI',
  'PROMISC',
  'MASTER',
  'SLAVE',
  'DEBUG',
  'DYNAMIC',
  'AUTOMEDIA',
  'PORTSEL',
  'NOTRAILERS',
  'UP',
  'LOWER_UP',
  'DORMANT',
  'ECHO',
] as const;

/**
 * The text between `<` and `>` as iproute2 6.1's `print_link_flags` (ip/ipaddress.c)
 * prints it: `NO-CARRIER` first when UP but not RUNNING, RUNNING never, the names in
 * iproute2's order, leftover bits in hex, then `,M-DOWN` when the peer named by `@name`
 * is down. Test code only: the real `ip` formatter belongs to the CLI package.
 */
function linkFlags(flags: number, mdown: boolean): string {
  const words: string[] = [];
  if (flags & IFF.UP && !(flags & IFF.RUNNING)) words.push('NO-CARRIER');
  let rest = flags & ~IFF.RUNNING;
  for (const name of FLAG_NAMES) {
    if (rest & IFF[name]) {
      rest &= ~IFF[name];
      words.push(name);
    }
  }
  if (rest !== 0) words.push(rest.toString(16));
  return words.join(',') + (mdown ? ',M-DOWN' : '');
}

/**
 * One device as `ip -o link` starts its line, cut after the state: the peer as `@name`
 * (with M-DOWN when it is down) in the same namespace, `@ifN` in another (iproute2 gets
 * IFLA_LINK_NETNSID then and never prints M-DOWN). Test code only, as {@link linkFlags}.
 */
function render(net: Net, info: LinkInfo): string {
  const peer = info.peer;
  const here = peer !== undefined && peer.net === net;
  const at = peer === undefined ? '' : here ? `@${peer.name}` : `@if${peer.ifindex}`;
  const flags = linkFlags(info.flags, here && !peer.up);
  return `${info.ifindex}: ${info.name}${at}: <${flags}> mtu ${info.mtu} state ${info.operstate}`;
}

/** The same fields cut out of real `ip -o link` output, one line per device. */
function cut(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const m = /^(\d+): (.+?): <([^>]*)> mtu (\d+) .*? state (\S+) /.exec(line);
      if (m === null) throw new Error(`unexpected ip -o link line: ${line}`);
      return `${m[1]}: ${m[2]}: <${m[3]}> mtu ${m[4]} state ${m[5]}`;
    });
}

/** What `ip` prints on stderr for a refusal: the extack as `Error: ….`, else strerror. */
function iproute2Error(err: NetError): string {
  return err.extack === undefined ? `RTNETLINK answers: ${err.strerror}` : err.message;
}

interface Sim {
  readonly kernel: Kernel;
  readonly links: LinkControl;
  readonly a: Task;
  readonly b: Task;
}

interface Step {
  /** The command run on Linux. */
  readonly ip: string;
  /** The same on netstage. */
  readonly sim: (s: Sim) => unknown;
  /**
   * For a refusal: the errno netstage must give, and the line iproute2 prints for it on
   * this kernel (an extack as `Error: ….`, which must be netstage's `message`; without
   * one, `RTNETLINK answers: <strerror>`).
   */
  readonly refused?: readonly [ErrnoCode, string];
}

/** Run `fn` with `/run/netns/NAME` open in `task`, as `ip link … netns NAME` opens it. */
function withFd<T>(s: Sim, task: Task, name: string, fn: (fd: number) => T): T {
  const fd = s.kernel.netns.open(name, task);
  try {
    return fn(fd);
  } finally {
    task.close(fd);
  }
}

const IPV6_OFF =
  "sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'";

const steps: readonly Step[] = [
  {
    ip: 'ip -n nst-a link add v0 type veth peer name v1',
    sim: (s) => s.links.add(s.a, { kind: 'veth', name: 'v0', peer: { name: 'v1' } }),
  },
  { ip: 'ip -n nst-a link set v0 up', sim: (s) => s.links.set(s.a, 'v0', { up: true }) },
  { ip: 'ip -n nst-a link set v1 up', sim: (s) => s.links.set(s.a, 'v1', { up: true }) },
  { ip: 'ip -n nst-a link set v1 down', sim: (s) => s.links.set(s.a, 'v1', { up: false }) },
  {
    ip: 'ip -n nst-a link add va type veth peer name vb netns nst-b',
    sim: (s) =>
      withFd(s, s.a, 'nst-b', (fd) => s.links.add(s.a, { kind: 'veth', name: 'va', peer: { name: 'vb', netns: { fd } } })),
  },
  { ip: 'ip -n nst-b link set vb up', sim: (s) => s.links.set(s.b, 'vb', { up: true }) },
  { ip: 'ip -n nst-a link set va up', sim: (s) => s.links.set(s.a, 'va', { up: true }) },
  { ip: 'ip -n nst-a link set va down', sim: (s) => s.links.set(s.a, 'va', { up: false }) },
  // v0 is up: renaming a running device works on this kernel.
  { ip: 'ip -n nst-a link set v0 name v9', sim: (s) => s.links.set(s.a, 'v0', { name: 'v9' }) },
  // v1 arrives down; its ifindex 2 is vb's in nst-b, so it takes nst-b's next one.
  {
    ip: 'ip -n nst-a link set v1 netns nst-b',
    sim: (s) => withFd(s, s.a, 'nst-b', (fd) => s.links.set(s.a, 'v1', { netns: { fd } })),
  },
  { ip: 'ip -n nst-a link set lo up', sim: (s) => s.links.set(s.a, 'lo', { up: true }) },
  { ip: 'ip -n nst-a link set v9 mtu 9000', sim: (s) => s.links.set(s.a, 'v9', { mtu: 9000 }) },
  // Takes va with it.
  { ip: 'ip -n nst-b link del vb', sim: (s) => s.links.del(s.b, 'vb') },
  // Refusals; the snapshots after them show that nothing changed.
  {
    ip: 'ip -n nst-a link set lo netns nst-b',
    sim: (s) => withFd(s, s.a, 'nst-b', (fd) => s.links.set(s.a, 'lo', { netns: { fd } })),
    refused: ['EINVAL', 'Error: The interface netns is immutable.'],
  },
  {
    ip: 'ip -n nst-a link del lo',
    sim: (s) => s.links.del(s.a, 'lo'),
    refused: ['EOPNOTSUPP', 'RTNETLINK answers: Operation not supported'],
  },
  {
    ip: 'ip -n nst-a link set v9 mtu 67',
    sim: (s) => s.links.set(s.a, 'v9', { mtu: 67 }),
    refused: ['EINVAL', 'Error: mtu less than device minimum.'],
  },
  // A v1 in nst-a, so that the v1 in nst-b cannot come back.
  {
    ip: 'ip -n nst-a link add v1 type veth peer name v1p',
    sim: (s) => s.links.add(s.a, { kind: 'veth', name: 'v1', peer: { name: 'v1p' } }),
  },
  {
    ip: 'ip -n nst-b link set v1 netns nst-a',
    sim: (s) => withFd(s, s.b, 'nst-a', (fd) => s.links.set(s.b, 'v1', { netns: { fd } })),
    refused: ['EEXIST', 'Error: An interface with the same name exists in the target netns.'],
  },
];

describe.skipIf(!linux)('ip link against real Linux', () => {
  it('veth pairs and lo in two namespaces: every device after every step, and the refusals', { timeout: 60_000 }, () => {
    const setup = `ip netns add nst-a && ip netns add nst-b && ip netns exec nst-a ${IPV6_OFF} && ip netns exec nst-b ${IPV6_OFF}`;
    // Each step is followed by a snapshot of both namespaces; the names vanish with the
    // private mount namespace anyway, the last step deletes them first.
    const snapshots = ['ip -n nst-a -o link', 'ip -n nst-b -o link'];
    const script = [setup, ...snapshots];
    for (const step of steps) script.push(step.ip, ...snapshots);
    script.push('ip netns del nst-a && ip netns del nst-b');
    const real = runLinuxSteps(script);
    expect(real).toHaveLength(script.length);

    const kernel = Kernel.boot({ layers: [devicesLayer()] });
    const netA = kernel.netns.add('nst-a');
    const netB = kernel.netns.add('nst-b');
    const s: Sim = {
      kernel,
      links: new LinkControl(kernel),
      a: kernel.netns.exec('nst-a', kernel.initTask),
      b: kernel.netns.exec('nst-b', kernel.initTask),
    };
    const ours = (): string[] => [
      ...s.links.show(s.a).map((info) => render(netA, info)),
      '--',
      ...s.links.show(s.b).map((info) => render(netB, info)),
    ];
    const theirs = (at: number): string[] => [...cut(real[at]?.stdout ?? ''), '--', ...cut(real[at + 1]?.stdout ?? '')];

    expect(real[0]).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(['two fresh namespaces', ...theirs(1)]).toEqual(['two fresh namespaces', ...ours()]);
    steps.forEach((step, i) => {
      const at = 3 + 3 * i;
      let caught: NetError | undefined;
      try {
        step.sim(s);
      } catch (e) {
        if (!(e instanceof NetError)) throw e;
        caught = e;
      }
      kernel.clock.runUntilIdle();
      // iproute2 exits with 2 for any error the kernel returns.
      const err = caught === undefined ? '' : `${iproute2Error(caught)}\n`;
      expect({ step: step.ip, ...real[at] }).toEqual({ step: step.ip, stdout: '', stderr: err, status: caught === undefined ? 0 : 2 });
      const refused = step.refused;
      expect(`${step.ip}: ${caught?.code ?? 'ok'}`).toBe(`${step.ip}: ${refused?.[0] ?? 'ok'}`);
      if (refused !== undefined) expect(`${step.ip}: ${err}`).toBe(`${step.ip}: ${refused[1]}\n`);
      expect([step.ip, ...theirs(at + 1)]).toEqual([step.ip, ...ours()]);
    });
    expect(real[real.length - 1]).toEqual({ stdout: '', stderr: '', status: 0 });

    s.a.exit();
    s.b.exit();
    kernel.netns.del('nst-a');
    kernel.netns.del('nst-b');
    kernel.clock.runUntilIdle();
    expect(kernel.netCount).toBe(1);
  });
});
