// nc: OpenBSD netcat (Debian 1.219-1) in UDP mode between two namespaces over veth, driven
// by the Scheduler as two processes. Behaviour captured on the reference machine with nst-a
// (10.200.0.1) and nst-b (10.200.0.2) set up as transcript 4.B:
//   nc -u -l 4000 & ; echo hi | nc -u -w1 10.200.0.2 4000  -> listener prints 'hi', keeps running;
//     sender exits 0 after 1 s idle
//   nc -u -l -W 1 4000 ; printf 'one\ntwo\n' | nc ...       -> one datagram 'one\ntwo\n', listener exits 0
//   printf 'noeol' | nc ...                                -> printed as is, no newline added
//   echo hi | nc -u 10.200.0.2 4000 (no -w)                 -> never exits by itself
//   echo hi | nc -u -w1 10.200.0.2 4999 (nobody there)      -> exits 0 at once (ECONNREFUSED)
import { Deadlock, Pipe, Scheduler, netstageCommands, spawnCommand, type Job } from '../src/index.js';
import { describe, expect, it } from 'vitest';
import { twoNamespaces } from './veth-pair.js';

function start(s: Scheduler, kernel: ReturnType<typeof twoNamespaces>['kernel'], line: string, input?: string): { job: Job; out: Pipe; err: Pipe } {
  const stdin = new Pipe();
  if (input !== undefined) stdin.write(input);
  stdin.close();
  const out = new Pipe();
  const err = new Pipe();
  const job = s.spawn(spawnCommand(netstageCommands(), kernel, line.split(' '), { stdin, stdout: out, stderr: err }, kernel.initTask.fork()));
  return { job, out, err };
}

describe('nc -u between two namespaces', () => {
  it('moves a line: the -W 1 listener exits after it, the -w1 sender after 1 s idle', () => {
    const { kernel } = twoNamespaces();
    const s = new Scheduler(kernel);
    const t0 = kernel.clock.now;
    const l = start(s, kernel, 'ip netns exec nst-b nc -u -l -W 1 4000');
    const c = start(s, kernel, 'ip netns exec nst-a nc -u -w1 10.200.0.2 4000', 'hi\n');
    s.run(() => l.job.done && c.job.done);
    expect(l.out.take()).toBe('hi\n');
    expect([l.job.status, c.job.status]).toEqual([0, 0]);
    expect(kernel.clock.now - t0).toBe(1000);
  });

  it('a plain listener keeps running after the sender is done (as the real one)', () => {
    const { kernel } = twoNamespaces();
    const s = new Scheduler(kernel);
    const l = start(s, kernel, 'ip netns exec nst-b nc -u -l 4000');
    const c = start(s, kernel, 'ip netns exec nst-a nc -u -q 0 10.200.0.2 4000', 'noeol');
    s.run(() => c.job.done);
    // Nothing can end it but a kill: the scheduler reports it waiting forever.
    expect(() => s.run(() => l.job.done, 60_000)).toThrow(Deadlock);
    expect(l.job.done).toBe(false);
    expect(l.out.take()).toBe('noeol');
  });

  it('listen ADDR PORT and -p PORT; a chunk of input is one datagram', () => {
    const { kernel } = twoNamespaces();
    const s = new Scheduler(kernel);
    const l = start(s, kernel, 'ip netns exec nst-b nc -u -l -W 1 10.200.0.2 4000');
    const c = start(s, kernel, 'ip netns exec nst-a nc -u -w1 10.200.0.2 4000', 'one\ntwo\n');
    s.run(() => l.job.done && c.job.done);
    expect(l.out.take()).toBe('one\ntwo\n');
    const l2 = start(s, kernel, 'ip netns exec nst-b nc -u -l -W 1 -p 4001');
    const c2 = start(s, kernel, 'ip netns exec nst-a nc -u -w1 10.200.0.2 4001', 'x\n');
    s.run(() => l2.job.done && c2.job.done);
    expect(l2.out.take()).toBe('x\n');
  });

  it('a port nobody listens on ends the sender with 0 at once; no route ends it with 1', () => {
    const { kernel, run } = twoNamespaces();
    const t0 = kernel.clock.now;
    expect(run('ip netns exec nst-a nc -u -w1 10.200.0.2 4999', 'hi\n')).toEqual({ stdout: '', stderr: '', status: 0 });
    expect(kernel.clock.now - t0).toBeLessThan(1000);
    expect(run('ip netns exec nst-a nc -u -w1 10.99.0.1 4000', 'hi\n')).toEqual({ stdout: '', stderr: '', status: 1 });
  });
});

describe('nc errors (captures)', () => {
  it('prints the real messages with status 1', () => {
    const { run } = twoNamespaces();
    const cases: [string, string][] = [
      ['nc -u -w1 10.200.0.2 70000', 'nc: port number too large: 70000\n'],
      ['nc -u -w1 10.200.0.2 abc', 'nc: port number invalid: abc\n'],
      ['nc -u -w1 nosuch.invalid 4000', 'nc: getaddrinfo for host "nosuch.invalid" port 4000: Temporary failure in name resolution\n'],
      ['nc -u -l', 'nc: missing port number\n'],
      ['nc -u -w abc 10.200.0.2 4000', 'nc: timeout invalid: abc\n'],
      ['nc -u -l 10.9.9.9 4000', 'nc: Cannot assign requested address\n'],
      ['nc -l 4000', 'nc: TCP is not available in netstage yet\n'],
    ];
    for (const [line, stderr] of cases) expect(run(`ip netns exec nst-a ${line}`, ''), line).toEqual({ stdout: '', stderr, status: 1 });
    const usage = run('ip netns exec nst-a nc -u');
    expect(usage.status).toBe(1);
    expect(usage.stderr.startsWith('usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]\n')).toBe(true);
    expect(run('ip netns exec nst-a nc -u -X').stderr.startsWith("nc: option requires an argument -- 'X'\nusage: nc")).toBe(true);
    expect(run('ip netns exec nst-a nc -u -l -p 4000 4001').stderr.startsWith('usage: nc')).toBe(true);
  });
});
