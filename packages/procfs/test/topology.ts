// The transcript 4.B topology without TCP, as captured on 6.18 for linux-captures.ts:
// rsch-a/rsch-b joined by veth0 (02:00:00:00:0a:01, 10.200.0.1/24) and veth1
// (02:00:00:00:0b:01, 10.200.0.2/24), lo up in both, then `ping -c 2 10.200.0.2` from a.
import type { Net, Task } from '@netstage/core-net';
import { ipv4Stack, parseIpv4 } from '@netstage/ipv4';
import type { World } from './support.js';

export function ip(text: string): number {
  const n = parseIpv4(text);
  if (n === undefined) throw new Error(`bad address ${text}`);
  return n;
}

export interface Pair {
  readonly a: { net: Net; sh: Task };
  readonly b: { net: Net; sh: Task };
}

/** Build the pair, without traffic. */
export function vethPair(w: World): Pair {
  const a = w.ns('rsch-a');
  const b = w.ns('rsch-b');
  w.links.set(a.sh, 'lo', { up: true });
  w.links.set(b.sh, 'lo', { up: true });
  const fd = w.kernel.netns.open('rsch-b', a.sh);
  w.links.add(a.sh, { kind: 'veth', name: 'veth0', address: 0x02000000_0a01, peer: { name: 'veth1', address: 0x02000000_0b01, netns: { fd } } });
  a.sh.close(fd);
  w.inet.addAddress(a.sh, 'veth0', { local: ip('10.200.0.1'), prefixLen: 24 });
  w.inet.addAddress(b.sh, 'veth1', { local: ip('10.200.0.2'), prefixLen: 24 });
  w.links.set(a.sh, 'veth0', { up: true });
  w.links.set(b.sh, 'veth1', { up: true });
  return { a, b };
}

/** `ping -c 2 DST` from `net`: 56 data bytes, one second apart, then a moment for the last reply. */
export function pingTwice(w: World, net: Net, dst: string): void {
  const data = new Uint8Array(56).map((_, i) => i);
  const stack = ipv4Stack(w.kernel);
  stack.sendEcho(net, ip(dst), 0x4d2, 1, data);
  w.kernel.clock.advance(1_000);
  stack.sendEcho(net, ip(dst), 0x4d2, 2, data);
  w.kernel.clock.advance(10);
}
