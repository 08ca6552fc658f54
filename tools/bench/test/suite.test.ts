import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { floorBench } from '../src/floor.js';
import { namespaceLifecycleBench, namespaceScaleRun } from '../src/namespace-lifecycle.js';
import { pingBench } from '../src/ping.js';
import type { SuiteReport } from '../src/suite.js';
import { udpRoundTripsBench } from '../src/udp-round-trips.js';

// Each benchmark's own correctness, never its speed: every packet it counts must have made
// the whole journey, or its figures would mean nothing.
describe('each benchmark does what it claims', () => {
  it('the floor reads back every datagram it wrote', () => {
    expect(floorBench({ datagrams: 1_000 }).delivered).toBe(1_000);
  });

  it('every UDP request is answered', () => {
    expect(udpRoundTripsBench({ roundTrips: 300 }).roundTrips).toBe(300);
  });

  it('every echo request gets its reply', () => {
    expect(pingBench({ count: 300 }).replies).toBe(300);
  });

  it('namespaces are created with lo up and all destroyed; CPU time from the clock given', () => {
    let t = 0;
    const r = namespaceLifecycleBench({ count: 50, cpuMicros: () => (t += 1_000) });
    expect(r.createUs).toBe(20); // one 1 ms step across 50 creates
    expect(r.destroyUs).toBe(20);
  });

  it('the scale run stops at its target, or at the memory budget it is given', () => {
    expect(namespaceScaleRun({ target: 300, chunk: 100 })).toMatchObject({ alive: 300, stoppedBy: 'target' });
    expect(namespaceScaleRun({ target: 300, chunk: 100, heapFraction: 0 })).toMatchObject({ alive: 0, stoppedBy: 'heap-budget' });
  });
});

// The suite's main entry exactly as `npm run bench -- --quick` starts it (node with
// --expose-gc, through tsx), without the kernel rows: it must print every row and write
// JSON with positive figures. Nothing here is about speed.
describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netstage-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every benchmark and writes their figures as JSON', () => {
    const json = join(dir, 'quick.json');
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'src/main.ts', '--quick', '--no-kernel', '--json', json], {
      cwd,
      encoding: 'utf8',
      timeout: 50_000,
      env: { ...process.env, INIT_CWD: cwd },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as SuiteReport;
    expect(report.quick).toBe(true);
    expect(report.machine.exposeGc).toBe(true);
    expect(report.rows.map((row) => row.id)).toEqual([
      'floor',
      'namespace-lifecycle-1000',
      'namespace-lifecycle-2000',
      'udp-veth',
      'udp-veth-idle-namespaces',
      'udp-router',
      'udp-round-trips',
      'ping',
      'namespace-scale',
    ]);
    for (const row of report.rows) {
      for (const [name, value] of Object.entries(row.figures)) {
        expect.soft(value, `${row.id} ${name}`).toBeGreaterThan(0);
        expect.soft(Number.isFinite(value), `${row.id} ${name}`).toBe(true);
      }
      expect(r.stdout).toContain(row.kernelNote ?? '');
    }
    expect(report.targets.map((t) => t.status).every((s) => ['met', 'not met', 'not measured'].includes(s))).toBe(true);
    expect(r.stdout).toContain('| figure | target | measured | status |');
  }, 60_000);
});
