/**
 * `npm run bench`: the UDP benchmark with 0, 1, 100 and 10,000 other namespaces alive,
 * printed as a table. CPU time, not wall time, and the best of three runs per row, so a
 * busy machine disturbs the figures less; compare rows, not machines.
 *
 * @module
 */

import { udpBench, type UdpBenchResult } from './udp.js';

const datagrams = Number(process.env['BENCH_DATAGRAMS'] ?? 200_000);
const runs = Number(process.env['BENCH_RUNS'] ?? 3);
udpBench({ others: 0, datagrams: 50_000 }); // warm the JIT
console.log(`UDP, 64-byte datagrams, namespace A -> B over veth, ${datagrams} per run, best of ${runs}`);
console.log('other namespaces | delivered | CPU ms | datagrams per CPU second');
for (const others of [0, 1, 100, 10_000]) {
  let best: UdpBenchResult | undefined;
  for (let i = 0; i < runs; i++) {
    const r = udpBench({ others, datagrams });
    if (best === undefined || r.cpuMs < best.cpuMs) best = r;
  }
  if (best === undefined) break;
  console.log(
    `${String(others).padStart(16)} | ${String(best.delivered).padStart(9)} | ${best.cpuMs.toFixed(0).padStart(6)} | ${best.perCpuSecond}`,
  );
}
