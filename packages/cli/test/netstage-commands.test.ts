// netstage run / matrix / demo: scripts against a fresh kernel in virtual time, the stage
// matrix of a script, and the built-in session.
import { describe, expect, it } from 'vitest';
import { Kernel } from '@netstage/core-net';
import { InteractiveShell, bufferedIo, demoCommand, matrixCommand, netstageLayers, runNetstage, runScript, stageMatrix, type CommandIo } from '../src/index.js';

function withFiles(files: Record<string, string>): CommandIo & { stdout(): string; stderr(): string } {
  const io = bufferedIo();
  return {
    ...io,
    readFile: (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

const stageNumber = (id: string): number => Kernel.boot({ layers: netstageLayers }).manifest.stage(id).number;

describe('netstage run', () => {
  it('runs a script and exits with its status; -x echoes each command as "$ COMMAND"', () => {
    const io = withFiles({ 't.sh': 'ip netns add red\nip netns list\nip -n red link set lo up && echo up\nfalse\n' });
    expect(runNetstage(['run', 't.sh'], io)).toBe(1);
    expect(io.stdout()).toBe('red\nup\n');
    const traced = withFiles({ 't.sh': 'ip netns add red\nip netns list\n' });
    expect(runNetstage(['run', '-x', 't.sh'], traced)).toBe(0);
    expect(traced.stdout()).toBe('$ ip netns add red\n$ ip netns list\nred\n');
  });

  it('messages carry the script name and line as bash SCRIPT prints them; exit N ends it', () => {
    const io = withFiles({ 's.sh': 'echo one\nnosuchcmd\nexit 7\necho never\n' });
    expect(runNetstage(['run', 's.sh'], io)).toBe(7);
    expect(io.stdout()).toBe('one\n');
    expect(io.stderr()).toBe('s.sh: line 2: nosuchcmd: command not found\n');
  });

  it('runs with fewer stages: the v2.6.24 fence refuses ip netns add without CONFIG_NET_NS', () => {
    const io = withFiles({ 't.sh': 'ip netns add red\n' });
    expect(runNetstage(['run', '--stage', 'net-ns-task', 't.sh'], io)).not.toBe(0);
    expect(io.stderr()).toContain('Invalid argument');
  });

  it('usage mistakes exit 2, a missing script 127, a bad selection 2', () => {
    const io = withFiles({});
    expect(runNetstage(['run'], io)).toBe(2);
    expect(io.stderr()).toMatch(/^netstage: run: a SCRIPT is needed\nUsage: netstage run/);
    const missing = withFiles({});
    expect(runNetstage(['run', 'nope.sh'], missing)).toBe(127);
    expect(missing.stderr()).toBe('netstage: nope.sh: No such file or directory\n');
    const sel = withFiles({ 't.sh': 'true\n' });
    expect(runNetstage(['run', '--stage', 'nonsense', 't.sh'], sel)).toBe(2);
    expect(sel.stderr()).toContain("unknown stage 'nonsense'");
    expect(runNetstage(['run', '--seed', 'x', 't.sh'], withFiles({}))).toBe(2);
  });

  it('sleep takes virtual time only', () => {
    const io = bufferedIo();
    expect(runScript({ script: 'sleep 3600; echo woke\n', name: 'x.sh', stage: 'all', seed: 1, trace: false }, io)).toBe(0);
    expect(io.stdout()).toBe('woke\n');
  });
});

describe('the README script', () => {
  it('a background listener gets going before the next command: the line sent right after it arrives', () => {
    const script = [
      'ip netns add a',
      'ip netns add b',
      'ip -n a link add veth0 type veth peer name veth1 netns b',
      'ip -n a addr add 10.200.0.1/24 dev veth0',
      'ip -n b addr add 10.200.0.2/24 dev veth1',
      'ip -n a link set veth0 up',
      'ip -n b link set veth1 up',
      'ip netns exec a ping -c 2 10.200.0.2 | tail -2 | head -1',
      'ip netns exec b nc -u -l -W 1 4000 &',
      'echo hi | ip netns exec a nc -u -w 1 10.200.0.2 4000',
      'wait',
      'ip netns exec a cat /proc/net/arp | wc -l',
    ].join('\n');
    const io = withFiles({ 'r.sh': script });
    expect(runNetstage(['run', 'r.sh'], io)).toBe(0);
    expect(io.stdout()).toBe('2 packets transmitted, 2 received, 0% packet loss, time 1000ms\nhi\n2\n');
    expect(io.stderr()).toBe('');
  });

  it('a listener nothing sends to stops the script with a message instead of hanging', () => {
    const io = withFiles({ 'h.sh': 'ip netns add b\nip netns exec b nc -u -l 4000\necho never\n' });
    expect(runNetstage(['run', 'h.sh'], io)).toBe(1);
    expect(io.stdout()).toBe('');
    expect(io.stderr()).toMatch(/^netstage: h\.sh: every process is waiting and nothing can wake them/);
  });
});

describe('netstage matrix', () => {
  it('a line works from the stage that lets it through, and names what refused it before', () => {
    const m = stageMatrix('ip netns add red\nip -n red link set lo up\n');
    const clone = stageNumber('net-ns-clone');
    const [add, up] = m.rows;
    expect(add?.worksFrom).toBe(clone);
    expect(add?.outcomes[clone - 1]?.refusal?.stage).toBe('net-ns-clone');
    expect(up?.worksFrom).toBe(stageNumber('rtnl-link-methods'));
    expect(up?.outcomes[stageNumber('rtnl-link-methods') - 1]?.message).toBe('RTNETLINK answers: Invalid argument');
    expect(up?.outcomes[stageNumber('rtnl-netns-socket') - 1]?.message).toBe('RTNETLINK answers: Connection refused');
  });

  it('--format json and md; progress lines on a non-terminal stderr', () => {
    const io = withFiles({ 'm.sh': '# a comment\nip netns add red\n' });
    expect(matrixCommand(['--format', 'json', 'm.sh'], io)).toBe(0);
    const parsed = JSON.parse(io.stdout()) as { rows: { command: string; worksFrom: number }[] };
    expect(parsed.rows.map((r) => r.command)).toEqual(['ip netns add red']);
    expect(io.stderr()).toMatch(/matrix: \d+\/\d+ stage prefixes run\n$/);
    const md = withFiles({ 'm.sh': 'ip netns add red\n' });
    expect(matrixCommand(['--format=md', 'm.sh'], md)).toBe(0);
    expect(md.stdout().split('\n')[0]).toMatch(/^\| # \| step \|/);
    expect(matrixCommand(['--format', 'xml'], withFiles({}))).toBe(2);
  });
});

describe('netstage demo', () => {
  it('plays the session with every step succeeding, then prints the matrix', () => {
    const io = bufferedIo();
    expect(demoCommand([], io)).toBe(0);
    const out = io.stdout();
    expect(out).toContain('$ ip netns exec h1 ping -c 2 10.0.2.2\nPING 10.0.2.2 (10.0.2.2) 56(84) bytes of data.\n');
    expect(out).toContain('2 packets transmitted, 2 received, 0% packet loss');
    expect(out).toContain('hello from h1\n');
    expect(out).toContain('Stage matrix:');
    expect(io.stderr()).toBe('');
  });
});

describe('--help', () => {
  it('netstage --help lists every command; each subcommand --help prints its own usage, status 0', () => {
    const top = bufferedIo();
    expect(runNetstage(['--help'], top)).toBe(0);
    for (const c of ['demo', 'run', 'shell', 'matrix', 'stages']) expect(top.stdout()).toMatch(new RegExp(`^  ${c} `, 'm'));
    for (const c of ['run', 'matrix', 'demo', 'stages']) {
      const io = bufferedIo();
      expect(runNetstage([c, '--help'], io)).toBe(0);
      expect(io.stdout()).toMatch(new RegExp(`^Usage: netstage ${c}`));
      expect(io.stderr()).toBe('');
    }
    const bad = bufferedIo();
    expect(runNetstage(['frob'], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/^netstage: unknown command 'frob'\nUsage: netstage COMMAND/);
  });
});

describe('netstage shell', () => {
  it('the prompt names the namespace; ip netns exec NAME bash enters it, exit comes back; jobs live across lines', () => {
    const io = bufferedIo();
    const sh = new InteractiveShell(io, { stage: 'all', seed: 1 });
    expect(sh.prompt()).toBe('netstage:init# ');
    sh.line('ip netns add red');
    sh.line('ip netns exec nosuch bash');
    expect(io.stderr()).toBe('Cannot open network namespace "nosuch": No such file or directory\n');
    sh.line('ip netns exec red bash');
    expect(sh.prompt()).toBe('netstage:red# ');
    sh.line('ip link set lo up');
    sh.line('ping -c 1 127.0.0.1 | head -2 | tail -1');
    sh.line('sleep 2 && echo late &');
    sh.line('sleep 1 && echo early &');
    sh.line('wait');
    expect(io.stdout()).toMatch(/early\nlate\n$/);
    expect(sh.line('exit')).toBeUndefined();
    expect(sh.prompt()).toBe('netstage:init# ');
    sh.line('ip -n red -br link show lo');
    expect(io.stderr()).toBe('Cannot open network namespace "nosuch": No such file or directory\n');
    expect(io.stdout()).toMatch(/^64 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64 time=0\.000 ms\n/);
    expect(io.stdout()).toContain('lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP> \n');
    expect(sh.line('exit 3')).toBe(3);
    sh.close();
  });
});
