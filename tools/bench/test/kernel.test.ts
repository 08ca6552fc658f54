import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import {
  kernelAvailable,
  kernelNetnsLifecycle,
  kernelPingRoundTrips,
  kernelUdpRoundTrips,
  kernelUdpThroughput,
} from '../src/kernel.js';

// The kernel side by side runs real namespaces, so it needs root (and iproute2, unshare,
// bash, ping): elsewhere these tests are skipped. They check that each measurement
// produces a figure and leaves nothing behind, never how fast anything is.
const available = kernelAvailable();

/** The benchmark's private directories in the temporary directory. */
function privateDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('nst-bench-'));
}
const dirsBefore = privateDirs();

/** Host interfaces whose name mentions nst: a veth left behind would show here. */
function hostLinksNamedNst(): string[] {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((line) => line.includes('nst'));
}

/** Names under /run/netns as a fresh private mount namespace sees them (host's, untouched). */
function hostNetnsNamedBench(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((line) => line.includes('nst-bench'));
}

describe('the kernel side by side', () => {
  it('reports whether it can run as a boolean', () => {
    expect(typeof available).toBe('boolean');
  });

  it('rejects a bad size before touching the kernel', () => {
    expect(() => kernelUdpThroughput({ datagrams: 10, size: 0 })).toThrow(RangeError);
    expect(() => kernelNetnsLifecycle({ count: 1.5 })).toThrow(RangeError);
  });

  it.skipIf(!available)('measures UDP throughput between two real namespaces', () => {
    const r = kernelUdpThroughput({ datagrams: 5_000, size: 64 });
    expect(r.perCpuSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.perCpuSecond)).toBe(true);
  });

  it.skipIf(!available)('measures UDP round trips between two real namespaces', () => {
    const r = kernelUdpRoundTrips({ roundTrips: 1_000 });
    expect(r.perCpuSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.perCpuSecond)).toBe(true);
  });

  it.skipIf(!available)('measures ping round trips between two real namespaces', () => {
    const r = kernelPingRoundTrips({ count: 3_000 });
    expect(r.perCpuSecond).toBeGreaterThan(0);
    expect(Number.isFinite(r.perCpuSecond)).toBe(true);
  });

  it.skipIf(!available)('times namespace create and destroy', () => {
    const r = kernelNetnsLifecycle({ count: 10 });
    expect(r.createUs).toBeGreaterThan(0);
    expect(r.destroyUs).toBeGreaterThan(0);
  });

  it.skipIf(!available)('leaves no namespace, no veth and no private directory behind', () => {
    expect(hostLinksNamedNst()).toEqual([]);
    expect(hostNetnsNamedBench()).toEqual([]);
    expect(privateDirs().filter((name) => !dirsBefore.includes(name))).toEqual([]);
  });
});
