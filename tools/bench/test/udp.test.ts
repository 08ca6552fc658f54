import { describe, expect, it } from 'vitest';
import { udpBench } from '../src/udp.js';

// The benchmark's own correctness, never its speed: every datagram it sends must arrive,
// whatever the number of other namespaces, or its figures would mean nothing.
describe('the UDP benchmark', () => {
  it.each([0, 1, 100])('delivers every datagram from A to B with %i other namespaces alive', (others) => {
    const r = udpBench({ others, datagrams: 1_000 });
    expect(r.delivered).toBe(1_000);
    expect(r.inDatagrams).toBe(1_000);
  });

  it('reports CPU time from the clock it is given', () => {
    let t = 0;
    const r = udpBench({ others: 0, datagrams: 300, cpuMicros: () => (t += 250_000) });
    expect(r.cpuMs).toBe(250);
    expect(r.perCpuSecond).toBe(1_200);
  });
});
