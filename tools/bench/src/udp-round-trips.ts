/**
 * UDP request/response (issue 8 item 3): a client socket in namespace A, connected to a
 * server in namespace B over a veth pair, sends a 64-byte request; the server reads it
 * and sends it back to where it came from; the client reads the answer, then sends the
 * next. One request in flight at a time, as a Node `dgram` client awaiting each answer
 * would. Reports completed round trips per second of CPU time. Each exchange runs only
 * same-instant work (`clock.runPending`), so virtual time stands still and the ARP entries
 * stay reachable, as in a real run of a few seconds (see `udp.ts`).
 *
 * @module
 */

import { cpuMicros as processCpuMicros, collectedHeap, perCpuSecond } from './cpu-time.js';
import { benchKernel, udpSocket, vethPair } from './topology.js';

/** What one run measures. */
export interface UdpRoundTripsResult {
  /** Requests sent. */
  readonly requests: number;
  /** Answers the client read back, each carrying its request's bytes. */
  readonly roundTrips: number;
  /** CPU time of the loop, in milliseconds. */
  readonly cpuMs: number;
  /** `roundTrips` per second of `cpuMs`. */
  readonly perCpuSecond: number;
}

/**
 * Run the benchmark once: `roundTrips` requests, each answered before the next is sent.
 *
 * @example
 * ```ts
 * import { udpRoundTripsBench } from './udp-round-trips.js';
 * udpRoundTripsBench({ roundTrips: 200 }).roundTrips; // 200
 * ```
 */
export function udpRoundTripsBench(options: { readonly roundTrips: number; readonly cpuMicros?: () => number }): UdpRoundTripsResult {
  const cpuMicros = options.cpuMicros ?? processCpuMicros;
  const kernel = benchKernel();
  const { a, b } = vethPair(kernel, 0);
  const server = udpSocket(kernel, b, { port: 7 });
  const client = udpSocket(kernel, a, { to: { address: b.address, port: 7 } });
  const request = new Uint8Array(64).fill(0x3c);

  const exchange = (): boolean => {
    client.send(request);
    kernel.clock.runPending();
    if (server.queueLength === 0) return false;
    const q = server.recv();
    server.send(q.data, q.from);
    kernel.clock.runPending();
    if (client.queueLength === 0) return false;
    return client.recv().data.length === request.length;
  };
  exchange(); // ARP both ways before the clock starts

  collectedHeap();
  let roundTrips = 0;
  const start = cpuMicros();
  for (let i = 0; i < options.roundTrips; i++) if (exchange()) roundTrips++;
  const cpuMs = (cpuMicros() - start) / 1000;
  return { requests: options.roundTrips, roundTrips, cpuMs, perCpuSecond: perCpuSecond(roundTrips, cpuMs) };
}
