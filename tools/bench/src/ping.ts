/**
 * Ping round trips (issue 8 item 5): ICMP echo requests from namespace A to namespace B
 * over a veth pair, sent as `ping` does (`ipv4Stack.sendEcho`: identifier, sequence, 56
 * bytes of data), one in flight at a time; B's stack answers; A's echo reply, delivered
 * to the ICMP listeners a ping socket would hear it through, is counted. Reports round
 * trips per second of CPU time. Each echo runs only same-instant work
 * (`clock.runPending`): virtual time stands still and the ARP entries stay reachable (see
 * `udp.ts`).
 *
 * @module
 */

import { ipv4Stack } from '@netstage/ipv4';
import { cpuMicros as processCpuMicros, collectedHeap, perCpuSecond } from './cpu-time.js';
import { benchKernel, vethPair } from './topology.js';

/** What one run measures. */
export interface PingResult {
  /** Echo requests sent. */
  readonly requests: number;
  /** Echo replies A received for them. */
  readonly replies: number;
  /** CPU time of the loop, in milliseconds. */
  readonly cpuMs: number;
  /** `replies` per second of `cpuMs`. */
  readonly perCpuSecond: number;
}

/**
 * Run the benchmark once.
 *
 * @example
 * ```ts
 * import { pingBench } from './ping.js';
 * pingBench({ count: 100 }).replies; // 100
 * ```
 */
export function pingBench(options: { readonly count: number; readonly cpuMicros?: () => number }): PingResult {
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const kernel = benchKernel();
  const { a, b } = vethPair(kernel, 0);
  const stack = ipv4Stack(kernel);
  const data = new Uint8Array(56).fill(0x10);
  const ident = 0x4e53;
  let replies = 0;
  const stop = stack.onIcmp((e) => {
    if (e.net === a.net && e.message.kind === 'echo-reply' && e.message.identifier === ident) replies++;
  });
  stack.sendEcho(a.net, b.address, ident, 0, data); // ARP before the clock starts
  kernel.clock.runUntilIdle();
  replies = 0;

  collectedHeap();
  const start = cpuMicros();
  for (let seq = 1; seq <= options.count; seq++) {
    stack.sendEcho(a.net, b.address, ident, seq & 0xffff, data);
    kernel.clock.runPending();
  }
  const cpuMs = (cpuMicros() - start) / 1000;
  stop();
  return { requests: options.count, replies, cpuMs, perCpuSecond: perCpuSecond(replies, cpuMs) };
}
