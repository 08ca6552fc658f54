// ping: iputils 20221126 output over netstage, checked against real captures.
// Golden texts: transcripts 4.A/4.B of reference/linux-netns.md, and captures made on the
// reference machine (iputils 20221126, Linux 6.18) in namespaces nst-a/nst-b set up as 4.B
// (veth0 10.200.0.1/24 <-> veth1 10.200.0.2/24, IPv6 off), under unshare with a private /run/netns.
import { Kernel } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { netstageCommands, netstageLayers, pingTime, runArgv } from '../src/index.js';
import { twoNamespaces } from './veth-pair.js';

/** Replace iputils' measured times by a marker, so real and virtual runs compare. */
function withoutTimes(text: string): string {
  return text
    .replace(/time=\d+\.\d+ ms/g, 'time=T ms')
    .replace(/time \d+ms/g, 'time Nms')
    .replace(/rtt min\/avg\/max\/mdev = [\d./]+ ms/g, 'rtt min/avg/max/mdev = R ms');
}

// Transcript 4.B: ip netns exec rsch-a ping -c 2 10.200.0.2
const REAL_4B_PING = `PING 10.200.0.2 (10.200.0.2) 56(84) bytes of data.
64 bytes from 10.200.0.2: icmp_seq=1 ttl=64 time=0.111 ms
64 bytes from 10.200.0.2: icmp_seq=2 ttl=64 time=0.051 ms

--- 10.200.0.2 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 1026ms
rtt min/avg/max/mdev = 0.051/0.081/0.111/0.030 ms
`;

// Transcript 4.B: ping -c 2 -W 1 10.200.0.9 (nobody answers ARP), status 1.
const REAL_4B_LOSS = `PING 10.200.0.9 (10.200.0.9) 56(84) bytes of data.

--- 10.200.0.9 ping statistics ---
2 packets transmitted, 0 received, 100% packet loss, time 1027ms

`;

// Capture (reference machine): ip netns exec nst-a ping -c 5 10.200.0.7, status 1.
const REAL_UNREACHABLE = `PING 10.200.0.7 (10.200.0.7) 56(84) bytes of data.
From 10.200.0.1 icmp_seq=1 Destination Host Unreachable
From 10.200.0.1 icmp_seq=2 Destination Host Unreachable
From 10.200.0.1 icmp_seq=3 Destination Host Unreachable
From 10.200.0.1 icmp_seq=4 Destination Host Unreachable
From 10.200.0.1 icmp_seq=5 Destination Host Unreachable

--- 10.200.0.7 ping statistics ---
5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 4098ms
pipe 4
`;

// Capture: ping -c 3 -i 0.2 -q 10.200.0.2
const REAL_QUIET = `PING 10.200.0.2 (10.200.0.2) 56(84) bytes of data.

--- 10.200.0.2 ping statistics ---
3 packets transmitted, 3 received, 0% packet loss, time 407ms
rtt min/avg/max/mdev = 0.055/0.089/0.150/0.043 ms
`;

// Capture: ping -c 1 -s 8 10.200.0.2 (no room for a timestamp: no times, no rtt line).
const REAL_SMALL = `PING 10.200.0.2 (10.200.0.2) 8(36) bytes of data.
16 bytes from 10.200.0.2: icmp_seq=1 ttl=64

--- 10.200.0.2 ping statistics ---
1 packets transmitted, 1 received, 0% packet loss, time 0ms

`;

// Capture: ping -c 2 -s 100 -t 5 -n 10.200.0.2
const REAL_SIZE = `PING 10.200.0.2 (10.200.0.2) 100(128) bytes of data.
108 bytes from 10.200.0.2: icmp_seq=1 ttl=64 time=0.036 ms
108 bytes from 10.200.0.2: icmp_seq=2 ttl=64 time=0.066 ms

--- 10.200.0.2 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 1001ms
rtt min/avg/max/mdev = 0.036/0.051/0.066/0.015 ms
`;

// Capture: ping -c 1 -I veth0 10.200.0.2
const REAL_IFACE_HEADER = 'PING 10.200.0.2 (10.200.0.2) from 10.200.0.1 veth0: 56(84) bytes of data.\n';

describe('ping over a veth pair (transcript 4.B and captures)', () => {
  it('4.B: ping -c 2 10.200.0.2 — the real text but for the times', () => {
    const { kernel, run } = twoNamespaces();
    const t0 = kernel.clock.now;
    const r = run('ip netns exec nst-a ping -c 2 10.200.0.2');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(withoutTimes(r.stdout)).toBe(withoutTimes(REAL_4B_PING));
    // The virtual figures: a veth round trip takes no virtual time; the summary's time is
    // the virtual time from the first request to the last (one interval).
    expect(r.stdout).toContain('icmp_seq=1 ttl=64 time=0.000 ms\n');
    expect(r.stdout).toContain('time 1000ms\nrtt min/avg/max/mdev = 0.000/0.000/0.000/0.000 ms\n');
    expect(kernel.clock.now - t0).toBe(1000);
  });

  it('4.B: 100% loss (ARP unanswered) — blank line after the summary, status 1, linger -W', () => {
    const { kernel, run } = twoNamespaces();
    const t0 = kernel.clock.now;
    const r = run('ip netns exec nst-a ping -c 2 -W 1 10.200.0.9');
    expect(r.status).toBe(1);
    expect(withoutTimes(r.stdout)).toBe(withoutTimes(REAL_4B_LOSS));
    expect(r.stdout).toContain('time 1000ms\n\n');
    expect(kernel.clock.now - t0).toBe(2000); // last request at 1 s, then -W 1
    expect(run('ip -n nst-a neigh').stdout).toContain('10.200.0.9 dev veth0 INCOMPLETE');
  });

  it('capture: Destination Host Unreachable when ARP fails, with +errors and pipe', () => {
    const { run } = twoNamespaces();
    const r = run('ip netns exec nst-a ping -c 5 10.200.0.7');
    expect(r.status).toBe(1);
    expect(withoutTimes(r.stdout)).toBe(withoutTimes(REAL_UNREACHABLE));
    expect(r.stdout).toContain('time 4000ms\npipe 4\n');
  });

  it('capture: -q -i 0.2 prints only the summary', () => {
    const { run } = twoNamespaces();
    const r = run('ip netns exec nst-a ping -c 3 -i 0.2 -q 10.200.0.2');
    expect(withoutTimes(r.stdout)).toBe(withoutTimes(REAL_QUIET));
    expect(r.stdout).toContain('time 400ms\n');
  });

  it('capture: -s under 16 bytes has no times and no rtt line; -s 100 -t 5 -n', () => {
    const { run } = twoNamespaces();
    expect(run('ip netns exec nst-a ping -c 1 -s 8 10.200.0.2').stdout).toBe(REAL_SMALL);
    expect(withoutTimes(run('ip netns exec nst-a ping -c 2 -s 100 -t 5 -n 10.200.0.2').stdout)).toBe(withoutTimes(REAL_SIZE));
  });

  it('capture: -I DEV names the source in the header; an unknown device fails', () => {
    const { run } = twoNamespaces();
    expect(run('ip netns exec nst-a ping -c 1 -I veth0 10.200.0.2').stdout.split('\n')[0]).toBe(REAL_IFACE_HEADER.trimEnd());
    expect(run('ip netns exec nst-a ping -c 1 -I 10.200.0.1 10.200.0.2').stdout.split('\n')[0]).toBe(
      'PING 10.200.0.2 (10.200.0.2) from 10.200.0.1 : 56(84) bytes of data.',
    );
    expect(run('ip netns exec nst-a ping -c 1 -I nosuch0 10.200.0.2')).toEqual({
      stdout: '',
      stderr: 'ping: SO_BINDTODEVICE nosuch0: No such device\n',
      status: 2,
    });
  });

  it('capture: a local address and loopback answer', () => {
    const { run } = twoNamespaces();
    expect(run('ip netns exec nst-a ping -c 1 10.200.0.1').stdout).toContain('64 bytes from 10.200.0.1: icmp_seq=1 ttl=64 time=0.000 ms\n');
    expect(run('ip netns exec nst-a ping -c 2 127.0.0.1').status).toBe(0);
  });
});

describe('ping errors (transcripts 4.A/4.B and captures)', () => {
  it('4.A: lo down in a new namespace — connect: Network is unreachable, status 2', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    const table = netstageCommands();
    runArgv(table, kernel, ['ip', 'netns', 'add', 'nst-a']);
    expect(runArgv(table, kernel, 'ip netns exec nst-a ping -c 1 -W 1 127.0.0.1'.split(' '))).toEqual({
      stdout: '',
      stderr: 'ping: connect: Network is unreachable\n',
      status: 2,
    });
  });

  it('4.A: after lo up, ping -c 2 127.0.0.1 answers', () => {
    const kernel = Kernel.boot({ layers: netstageLayers });
    const table = netstageCommands();
    runArgv(table, kernel, ['ip', 'netns', 'add', 'nst-a']);
    runArgv(table, kernel, 'ip -n nst-a link set lo up'.split(' '));
    const r = runArgv(table, kernel, 'ip netns exec nst-a ping -c 2 127.0.0.1'.split(' '));
    expect(withoutTimes(r.stdout)).toBe(
      withoutTimes(`PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.
64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.116 ms
64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.077 ms

--- 127.0.0.1 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 1026ms
rtt min/avg/max/mdev = 0.077/0.096/0.116/0.019 ms
`),
    );
  });

  it('4.B: no route — connect: Network is unreachable, status 2', () => {
    const { run } = twoNamespaces();
    expect(run('ip netns exec nst-a ping -c 1 -W 1 10.201.0.1')).toEqual({ stdout: '', stderr: 'ping: connect: Network is unreachable\n', status: 2 });
  });

  it('captures: bad arguments, unknown hosts, broadcast', () => {
    const { run } = twoNamespaces();
    const cases: [string, string, number][] = [
      ['ping', 'ping: usage error: Destination address required\n', 1],
      ['ping -c 0 10.200.0.2', "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807\n", 1],
      ['ping -c abc 10.200.0.2', "ping: invalid argument: 'abc'\n", 1],
      ['ping -c -1 10.200.0.2', "ping: invalid argument: '-1': out of range: 1 <= value <= 9223372036854775807\n", 1],
      ['ping -W -1 -c 1 10.200.0.2', 'ping: bad linger time: -1\n', 2],
      ['ping -s abc -c 1 10.200.0.2', "ping: invalid argument: 'abc'\n", 1],
      ['ping -t 0 -c 1 10.200.0.2', 'ping: cannot set unicast time-to-live: Invalid argument\n', 2],
      ['ping -t 256 -c 1 10.200.0.2', "ping: invalid argument: '256': out of range: 0 <= value <= 255\n", 1],
      ['ping -t abc -c 1 10.200.0.2', "ping: invalid argument: 'abc'\n", 1],
      ['ping -c 1 10.200.0.2 10.200.0.1', 'ping: record route: Operation not permitted\n', 2],
      ['ping -c 1 300.1.1.1', 'ping: 300.1.1.1: Temporary failure in name resolution\n', 2],
      ['ping -c 1 nosuchhost.invalid', 'ping: nosuchhost.invalid: Temporary failure in name resolution\n', 2],
      ['ping -c 1 10.200.0.255', 'ping: Do you want to ping broadcast? Then -b. If not, check your local firewall rules\n', 2],
    ];
    for (const [line, stderr, status] of cases) {
      expect(run(`ip netns exec nst-a ${line}`), line).toEqual({ stdout: '', stderr, status });
    }
    const bad = run('ip netns exec nst-a ping -X 10.200.0.2');
    expect(bad.status).toBe(2);
    expect(bad.stderr.startsWith("ping: invalid option -- 'X'\n\nUsage\n  ping [options] <destination>\n")).toBe(true);
    expect(run('ip netns exec nst-a ping -c').stderr.startsWith("ping: option requires an argument -- 'c'\n\nUsage\n")).toBe(true);
  });

  it('capture: -i with garbage warns and goes on', () => {
    const { run } = twoNamespaces();
    const r = run('ip netns exec nst-a ping -i abc -c 1 10.200.0.2');
    expect(r.stderr).toBe('ping: option argument contains garbage: abc\nping: this will become fatal error in the future\n');
    expect(r.status).toBe(0);
  });
});

describe('pingTime', () => {
  it('rounds as iputils does by magnitude', () => {
    expect([pingTime(0), pingTime(111), pingTime(1234), pingTime(12_345), pingTime(123_456)]).toEqual(['0.000', '0.111', '1.23', '12.3', '123']);
  });
});
