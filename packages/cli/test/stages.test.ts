import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kernel } from '@netstage/core-net';
import { bufferedIo, netstageLayers, runNetstage, stagesUsage } from '../src/index.js';

const manifest = Kernel.boot({ layers: netstageLayers }).manifest;
const N = manifest.length;
const ids = manifest.stages.map((s) => s.id);

function run(...argv: string[]): { status: number; out: string; err: string } {
  const io = bufferedIo();
  const status = runNetstage(argv, io);
  return { status, out: io.stdout(), err: io.stderr() };
}

function rows(out: string): string[][] {
  return out
    .trimEnd()
    .split('\n')
    .filter((line) => !line.startsWith('* '))
    .map((line) => line.split(/ {2,}/));
}

/** The on/off column for a selection. */
function states(out: string): string[] {
  return rows(out).slice(1).map((row) => row[5] ?? '');
}

describe('netstage stages', () => {
  it('prints the composed manifest with every column the issue names', () => {
    const r = run('stages');
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    const table = rows(r.out);
    expect(table[0]).toEqual(['#', 'id', 'layer', 'upstream subject', 'commit', 'state', 'why']);
    expect(table.slice(1).map((row) => row[1])).toEqual(ids);
    expect(ids).toContain('net-ns-clone');
    expect(ids).toContain('dev-move');
    expect(table[1]).toEqual([
      '1',
      'net-ns-basic',
      'core-net',
      '[NET]: Basic network namespace infrastructure.',
      '5f256becd868',
      'on',
      "in selection 'all'",
    ]);
    const clone = table.find((row) => row[1] === 'net-ns-clone');
    expect(clone?.[3]).toBe('[NET]: Add network namespace clone & unshare support.');
    expect(clone?.[4]).toBe('9dd776b6d7b0');
  });

  it('columns line up and no line ends in spaces', () => {
    const lines = run('stages').out.trimEnd().split('\n').filter((l) => /^\d/.test(l));
    const at = (line: string): number => line.search(/ (core-net|devices|ipv4|sockets|procfs) /);
    expect(new Set(lines.map(at)).size).toBe(1);
    expect(lines.every((l) => !l.endsWith(' '))).toBe(true);
  });

  it('marks reconstructed subjects and explains the mark once', () => {
    const out = run('stages').out;
    const marked = manifest.stages.filter((s) => s.subjectVerified === false);
    expect(marked.length).toBeGreaterThan(0);
    for (const s of marked) expect(out).toContain(`${s.subject} *`);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^\* subject reconstructed/);
  });

  it('a number selects the first N stages and says why the rest are off', () => {
    const table = rows(run('stages', '--stage', '1').out);
    expect(states(run('stages', '--stage', '1').out)).toEqual(['on', ...Array<string>(N - 1).fill('off')]);
    expect(table[2]?.[6]).toBe("not in selection '1'");
    const clone = table.find((row) => row[1] === 'net-ns-clone');
    expect(clone?.[6]).toBe("not in selection '1'; requires 'net-ns-task', which is off");
  });

  it('a stage id selects the series up to it; --stage=SEL works too', () => {
    const upTo = ids.indexOf('dev-move') + 1;
    expect(states(run('stages', '--stage=dev-move').out)).toEqual(ids.map((_, i) => (i < upTo ? 'on' : 'off')));
  });

  it('none turns everything off; a valid list turns on exactly its stages', () => {
    expect(states(run('stages', '--stage', 'none').out)).toEqual(Array<string>(N).fill('off'));
    expect(states(run('stages', '--stage', 'net-ns-basic,2').out)).toEqual(['on', 'on', ...Array<string>(N - 2).fill('off')]);
  });

  it.each([
    [String(N + 1), `netstage: stage ${N + 1} is out of range: the series has ${N} stages (0-${N})\n`],
    ['nonsense', "netstage: unknown stage 'nonsense' (run 'netstage stages' for the list)\n"],
    ['net-ns-clone,net-ns-basic', "netstage: stage 'net-ns-clone' requires 'net-ns-task', which is not selected\n"],
    [`1,${N + 4}`, `netstage: stage ${N + 4} is out of range: the series has ${N} stages (1-${N})\n`],
  ])('a bad selection %s prints one line and exits 2', (sel, line) => {
    const r = run('stages', '--stage', sel);
    expect(r.status).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(line);
  });

  it('option mistakes print the mistake and the usage, and exit 2', () => {
    expect(run('stages', '--stage')).toEqual({
      status: 2,
      out: '',
      err: `netstage: option '--stage' needs a value\n${stagesUsage}`,
    });
    expect(run('stages', '--frobnicate').err).toMatch(/^netstage: unknown option '--frobnicate'\n/);
    expect(run('stages', 'extra').status).toBe(2);
  });
});

describe('netstage', () => {
  it('without a command prints usage on stderr and exits 2', () => {
    const r = run();
    expect(r.status).toBe(2);
    expect(r.err).toContain('Usage: netstage COMMAND');
  });

  it('an unknown command is named', () => {
    const r = run('frob');
    expect(r.status).toBe(2);
    expect(r.err.split('\n')[0]).toBe("netstage: unknown command 'frob'");
  });

  it('help goes to stdout with status 0', () => {
    const r = run('help');
    expect(r.status).toBe(0);
    expect(r.out).toContain('stages [--stage SEL]');
  });
});

describe('the netstage binary', () => {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'bin.js');

  it('prints the table and exits 0', () => {
    const out = execFileSync(process.execPath, [bin, 'stages'], { encoding: 'utf8' });
    expect(out.split('\n')[0]).toMatch(/^# +id +layer +upstream subject +commit +state +why$/);
  });

  it('exits non-zero with one line on stderr for a bad selection', () => {
    const r = spawnSync(process.execPath, [bin, 'stages', '--stage', '420'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`netstage: stage 420 is out of range: the series has ${N} stages (0-${N})\n`);
  });
});
