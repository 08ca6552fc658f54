import { describe, expect, it } from 'vitest';
import { bisect, harnessSelections } from '../src/run.js';

// CI budget: a fixed number of runs per prefix and a fixed seed, so a run is repeatable.
// NETSTAGE_BISECT_RUNS / NETSTAGE_BISECT_SEED widen or move the search for long runs.
const runs = Number(process.env['NETSTAGE_BISECT_RUNS'] ?? 1000);
const seed = Number(process.env['NETSTAGE_BISECT_SEED'] ?? 20071010);

describe('bisect harness: every stage prefix, and every stage left out, keeps DESIGN.md §3.4', () => {
  for (const selection of harnessSelections()) {
    const label = /^\d+$/.test(selection.spec) ? `prefix ${selection.spec}` : `without ${selection.manifest.stages.filter((s) => !selection.has(s.index)).map((s) => s.id).join(', ')}`;
    // Generous per-test limit: a selection takes ~0.5 s alone, several times that on a
    // loaded 2-core machine running other packages' tests beside it.
    it(label, () => {
      bisect(selection, { runs, seed });
    }, 120_000);
  }
});

describe('the harness can fail', () => {
  const selections = harnessSelections();
  // core-net stages on, the probe layer's stage off: only initNet may touch probe state.
  const probeOff = selections.find((s) => s.ids().includes('net-ns-clone') && !s.ids().includes('probe-per-ns'));
  // net-ns-clone off: no namespace but initNet may exist.
  const cloneOff = selections.find((s) => s.ids().includes('net-ns-task') && !s.ids().includes('net-ns-clone'));

  it('finds the leak when the probe layer forgets its gate', { timeout: 120_000 }, () => {
    expect(probeOff).toBeDefined();
    if (probeOff === undefined) return;
    expect(() => bisect(probeOff, { runs: 200, seed, removeGates: ['probe-per-ns'] })).toThrow(
      new RegExp(`bisect failed at stage selection '${probeOff.spec}'[\\s\\S]*replay: seed[\\s\\S]*(refusal mismatch in probe|init equivalence)`),
    );
  });

  it('finds the fallback when unshare forgets the CONFIG_NET_NS gate', { timeout: 120_000 }, () => {
    expect(cloneOff).toBeDefined();
    if (cloneOff === undefined) return;
    expect(() => bisect(cloneOff, { runs: 200, seed, removeGates: ['net-ns-clone'] })).toThrow(
      /refusal mismatch in (unshare|ip netns add): expected EINVAL/,
    );
  });

  it('finds a child namespace reaching rtnetlink before its socket exists', { timeout: 120_000 }, () => {
    const rtnlOff = selections.find((s) => s.ids().includes('loopback-per-ns') && !s.ids().includes('rtnl-netns-socket'));
    expect(rtnlOff).toBeDefined();
    if (rtnlOff === undefined) return;
    expect(() => bisect(rtnlOff, { runs: 200, seed, removeGates: ['rtnl-netns-socket'] })).toThrow(
      /refusal mismatch in (link|addr|route|neigh) [a-z /]+: expected ECONNREFUSED, got (success|EINVAL)/,
    );
  });

  // UDP ready to be marked namespace safe, but not marked yet: socket(AF_INET) outside initNet must still fail.
  const udpOff = selections.find(
    (s) => s.ids().includes('net-ns-clone') && s.ids().includes('inet-create-per-protocol') && !s.ids().includes('inet-protocols-netns-ok'),
  );

  it('finds a UDP socket created outside initNet before UDP is namespace ready', { timeout: 120_000 }, () => {
    expect(udpOff).toBeDefined();
    if (udpOff === undefined) return;
    expect(() => bisect(udpOff, { runs: 200, seed, removeGates: ['inet-protocols-netns-ok'] })).toThrow(
      new RegExp(`bisect failed at stage selection '${udpOff.spec}'[\\s\\S]*refusal mismatch in socket\\(AF_INET, SOCK_DGRAM\\): expected EAFNOSUPPORT, got success`),
    );
  });

  // /proc/net/udp not yet converted while UDP sockets already work outside initNet.
  const udpFileOff = selections.find((s) => s.ids().includes('inet-protocols-netns-ok') && !s.ids().includes('proc-udp-per-ns'));

  it('finds a namespace reading /proc/net/udp before the file is registered for it', { timeout: 120_000 }, () => {
    expect(udpFileOff).toBeDefined();
    if (udpFileOff === undefined) return;
    expect(() => bisect(udpFileOff, { runs: 200, seed, removeGates: ['proc-udp-per-ns'] })).toThrow(
      /refusal mismatch in (read|open) \/proc\/net\/udp: expected ENOENT, got success/,
    );
  });

  // Per-namespace sysctl tables not there yet: /proc/sys/net keys exist for initNet only.
  const sysctlOff = selections.find((s) => s.ids().includes('net-ns-clone') && !s.ids().includes('net-sysctl-per-ns'));

  it('finds a namespace reaching a sysctl before the per-namespace tables exist', { timeout: 120_000 }, () => {
    expect(sysctlOff).toBeDefined();
    if (sysctlOff === undefined) return;
    expect(() => bisect(sysctlOff, { runs: 200, seed, removeGates: ['net-sysctl-per-ns'] })).toThrow(
      /refusal mismatch in (read|write) \/proc\/sys\/net\/core\/somaxconn: expected ENOENT, got success/,
    );
  });

  it('the same selections pass with every gate in place', { timeout: 120_000 }, () => {
    for (const s of [probeOff, cloneOff, udpOff, udpFileOff, sysctlOff]) {
      if (s !== undefined) bisect(s, { runs: 50, seed });
    }
  });
});
