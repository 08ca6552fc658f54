// Bad input anywhere gets a message and a status, never an exception: thousands of
// random command lines built from the words these tools take, run against a small
// topology, must each end with a status in 0..255 and leave no task behind.
import { Kernel, Prng } from '@netstage/core-net';
import { describe, expect, it } from 'vitest';
import { ShellSession, bufferedIo, netstageLayers, runArgv, netstageCommands } from '../src/index.js';

const WORDS = [
  'ip', 'link', 'addr', 'route', 'neigh', 'netns', 'add', 'del', 'set', 'show', 'list', 'get', 'flush', 'replace', 'exec',
  'dev', 'veth0', 'lo', 'nosuch', 'up', 'down', 'mtu', '0', '1500', '70000', 'address', '02:00:00:00:00:01', 'zz:zz',
  'name', 'netns', 'a', 'b', 'type', 'veth', 'dummy', 'peer', 'via', '10.0.0.1', '10.0.0.0/24', '10.0.0.300', '/33',
  'table', 'local', 'main', '255', 'metric', 'lladdr', 'nud', 'permanent', 'blackhole', 'scope', 'host', 'brd', '+',
  '-n', '-o', '-br', '-s', '-d', '-4', '-x', '--', '-c', '-i', '-W', '-s', '-t', '-I', '-q', '-u', '-l', '-w', '-p',
  '-a', '-e', '-N', 'net.ipv4.ip_forward', 'net.ipv4.ip_forward=1', 'net.ipv4.ip_default_ttl=0', 'net.core', '=',
  '/proc/net/dev', '/proc/sys/net/ipv4', '/proc/nosuch', '127.0.0.1', '4000', '-1', 'x', '',
];
const COMMANDS = ['ip', 'ping', 'ss', 'nc', 'sysctl', 'cat', 'ls', 'wc', 'grep', 'head', 'tail', 'sort', 'echo', 'sleep'];

describe('random command lines', () => {
  it('every one ends with a status, none throws, no task is left behind', { timeout: 60_000 }, () => {
    const kernel = Kernel.boot({ layers: netstageLayers, seed: 7 });
    const setup = new ShellSession(kernel, { io: bufferedIo() });
    setup.run('ip netns add a\nip netns add b\nip -n a link add veth0 type veth peer name veth1 netns b\nip -n a link set lo up\n');
    setup.close();
    const rng = new Prng(20261129);
    const table = netstageCommands();
    const seen = new Map<number, number>();
    for (let i = 0; i < 3000; i++) {
      const cmd = COMMANDS[rng.nextInt(COMMANDS.length)] as string;
      const n = rng.nextInt(6);
      const argv = [cmd, ...Array.from({ length: n }, () => WORDS[rng.nextInt(WORDS.length)] as string)];
      // Commands that would wait forever by design (a listener, ping without -c) are left out.
      if (cmd === 'nc' && argv.includes('-l')) continue;
      if (cmd === 'ping' && !argv.includes('-c')) continue;
      let status: number;
      try {
        status = runArgv(table, kernel, argv, { stdin: 'line one\nline two\n' }).status;
      } catch (err) {
        throw new Error(`${argv.join(' ')} threw: ${err instanceof Error ? err.stack : String(err)}`, { cause: err });
      }
      seen.set(status, (seen.get(status) ?? 0) + 1);
      expect(status, argv.join(' ')).toBeGreaterThanOrEqual(0);
      expect(status, argv.join(' ')).toBeLessThanOrEqual(255);
    }
    // Both kinds ran: many successes, and failures with several different statuses.
    expect(seen.get(0) ?? 0).toBeGreaterThan(200);
    expect(seen.size).toBeGreaterThan(3);
    expect(kernel.tasks()).toHaveLength(1);
  });
});

const TOKENS = ['echo', 'cat', 'true', 'false', 'wait', 'exit', 'sleep 1', 'x=1', '$x', '${x}', '$?', '${', '}', "'", '"', '\\', '|', '||', '&&', ';', '&', '>', '>>', '<', '2>&1', '/dev/null', '/proc/net/dev', '#', '\n', ' ', 'a b', 'grep a', 'wc -l', '(', ')', '`', '$(', '*'];

describe('random scripts', () => {
  it('the shell answers every one with a status and stderr, never an exception', { timeout: 60_000 }, () => {
    const kernel = Kernel.boot({ layers: netstageLayers, seed: 3 });
    const rng = new Prng(7);
    let syntaxErrors = 0;
    for (let i = 0; i < 2000; i++) {
      const script = Array.from({ length: 1 + rng.nextInt(8) }, () => TOKENS[rng.nextInt(TOKENS.length)] as string).join(' ');
      const io = bufferedIo();
      const shell = new ShellSession(kernel, { io, name: 'fuzz.sh', lineNumbers: true });
      let status: number;
      try {
        status = shell.run(script);
      } catch (err) {
        throw new Error(`${JSON.stringify(script)} threw: ${err instanceof Error ? err.stack : String(err)}`, { cause: err });
      } finally {
        shell.close();
      }
      if (status === 2 && io.stderr().includes('syntax error')) syntaxErrors++;
      expect(status, script).toBeGreaterThanOrEqual(0);
      expect(status, script).toBeLessThanOrEqual(255);
    }
    expect(syntaxErrors).toBeGreaterThan(50);
    expect(kernel.tasks()).toHaveLength(1);
  });
});
