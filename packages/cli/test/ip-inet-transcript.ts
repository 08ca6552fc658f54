// Replaying golden `ip` transcripts (the reference's `$ cmd` / output / `(exit N)` format)
// against a netstage kernel, for ip-addr, ip-route and ip-neigh tests.
import { Kernel } from '@netstage/core-net';
import { ipv4Stack, parseIpv4 } from '@netstage/ipv4';
import { ipCommand } from '../src/commands/ip/index.js';
import { netstageLayers } from '../src/layers.js';
import { runArgv } from '../src/shell/spawn.js';

/** Only `ip`: these transcripts need nothing else. */
const commands = new Map([['ip', ipCommand]]);

/** Run each `$ ` line of `transcript` and print what a capture would show. */
export function replay(kernel: Kernel, transcript: string): string {
  let out = '';
  for (const line of transcript.split('\n')) {
    if (!line.startsWith('$ ')) continue;
    const argv = line.slice(2).trim().split(/ +/);
    const r = runArgv(commands, kernel, argv);
    out += `${line}\n${r.stdout}${r.stderr}${r.status !== 0 ? `(exit ${r.status})\n` : ''}\n`;
  }
  return out;
}

/** Setup of transcript 4.B up to the traffic: rsch-a/veth0 10.200.0.1/24 — rsch-b/veth1 10.200.0.2/24. */
export const SETUP_4B = `$ ip netns add rsch-a

$ ip netns add rsch-b

$ ip -n rsch-a link set lo up

$ ip -n rsch-b link set lo up

$ ip -n rsch-a link add veth0 address 02:00:00:00:0a:01 type veth peer name veth1 address 02:00:00:00:0b:01 netns rsch-b

$ ip -n rsch-a addr add 10.200.0.1/24 dev veth0

$ ip -n rsch-b addr add 10.200.0.2/24 dev veth1

$ ip -n rsch-a link set veth0 up

$ ip -n rsch-b link set veth1 up

`;

/** A kernel with the two namespaces of 4.B set up (checked against the transcript). */
export function boot4B(): Kernel {
  const kernel = Kernel.boot({ layers: netstageLayers });
  const got = replay(kernel, SETUP_4B);
  if (got !== SETUP_4B) throw new Error(`4.B setup differs:\n${got}`);
  return kernel;
}

/** What `ping -c 2 DST` does to the neighbour tables: two echo requests a second apart. */
export function pingTwice(kernel: Kernel, ns: string, dst: string): void {
  const net = kernel.netns.get(ns);
  const addr = parseIpv4(dst);
  if (net === undefined || addr === undefined) throw new Error('bad ping');
  const stack = ipv4Stack(kernel);
  stack.sendEcho(net, addr, 1, 1, new Uint8Array(56));
  kernel.clock.advance(1000);
  stack.sendEcho(net, addr, 1, 2, new Uint8Array(56));
  kernel.clock.advance(30);
}

/**
 * Compare a replay with a capture block by block, each block's lines sorted: the kernel
 * lists neighbours in hash order, netstage in the order they were made.
 */
export function sortedBlocks(transcript: string): string[] {
  return transcript.split('\n$ ').map((b) => b.split('\n').sort().join('\n'));
}
