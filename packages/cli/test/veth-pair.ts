// Shared setup for the ping, ss and nc tests: transcript 4.B's two namespaces joined by a veth pair.
import { Kernel } from '@netstage/core-net';
import { netstageCommands, netstageLayers, runArgv, type CommandResult } from '../src/index.js';

/** A kernel with nst-a (veth0 10.200.0.1/24) and nst-b (veth1 10.200.0.2/24), lo up in both. */
export function twoNamespaces(): { kernel: Kernel; run: (line: string, stdin?: string) => CommandResult } {
  const kernel = Kernel.boot({ layers: netstageLayers });
  const table = netstageCommands();
  const run = (line: string, stdin?: string): CommandResult =>
    runArgv(table, kernel, line.split(' '), stdin === undefined ? {} : { stdin });
  for (const line of [
    'ip netns add nst-a',
    'ip netns add nst-b',
    'ip -n nst-a link set lo up',
    'ip -n nst-b link set lo up',
    'ip -n nst-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns nst-b',
    'ip -n nst-a addr add 10.200.0.1/24 dev veth0',
    'ip -n nst-b addr add 10.200.0.2/24 dev veth1',
    'ip -n nst-a link set veth0 up',
    'ip -n nst-b link set veth1 up',
  ]) {
    const r = run(line);
    if (r.status !== 0) throw new Error(`${line}: ${r.stderr}`);
  }
  return { kernel, run };
}
