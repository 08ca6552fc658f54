import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bufferedIo, runNetstage } from '../src/index.js';

function run(...argv: string[]): { status: number; out: string; err: string } {
  const io = bufferedIo();
  const status = runNetstage(argv, io);
  return { status, out: io.stdout(), err: io.stderr() };
}

function rows(out: string): string[][] {
  return out.trimEnd().split('\n').map((line) => line.split(/ {2,}/));
}

describe('netstage stages', () => {
  it('prints the composed manifest with every column the issue names', () => {
    const r = run('stages');
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    const table = rows(r.out);
    expect(table[0]).toEqual(['#', 'id', 'layer', 'upstream subject', 'commit', 'state', 'why']);
    expect(table.slice(1).map((row) => row[1])).toEqual(['net-ns-basic', 'net-ns-task', 'net-ns-clone']);
    expect(table[1]).toEqual([
      '1',
      'net-ns-basic',
      'core-net',
      '[NET]: Basic network namespace infrastructure.',
      '5f256becd868',
      'on',
      "in selection 'all'",
    ]);
    expect(table[3]?.[3]).toBe('[NET]: Add network namespace clone & unshare support.');
    expect(table[3]?.[4]).toBe('9dd776b6d7b0');
  });

  it('columns line up and no line ends in spaces', () => {
    const lines = run('stages').out.trimEnd().split('\n');
    const at = (line: string): number => line.indexOf('core-net');
    expect(new Set(lines.slice(1).map(at)).size).toBe(1);
    expect(lines.every((l) => !l.endsWith(' '))).toBe(true);
  });

  it('a number selects the first N stages and says why the rest are off', () => {
    const table = rows(run('stages', '--stage', '1').out);
    expect(table.slice(1).map((row) => row[5])).toEqual(['on', 'off', 'off']);
    expect(table[3]?.[6]).toBe("not in selection '1'; requires 'net-ns-task', which is off");
    expect(table[2]?.[6]).toBe("not in selection '1'");
  });

  it('a stage id selects the series up to it; --stage=SEL works too', () => {
    const table = rows(run('stages', '--stage=net-ns-task').out);
    expect(table.slice(1).map((row) => row[5])).toEqual(['on', 'on', 'off']);
  });

  it('none turns everything off; a valid list turns on exactly its stages', () => {
    expect(rows(run('stages', '--stage', 'none').out).slice(1).map((r) => r[5])).toEqual(['off', 'off', 'off']);
    expect(rows(run('stages', '--stage', 'net-ns-basic,2').out).slice(1).map((r) => r[5])).toEqual(['on', 'on', 'off']);
  });

  it.each([
    ['9', 'netstage: stage 9 is out of range: the series has 3 stages (0-3)\n'],
    ['nonsense', "netstage: unknown stage 'nonsense' (run 'netstage stages' for the list)\n"],
    ['net-ns-clone,net-ns-basic', "netstage: stage 'net-ns-clone' requires 'net-ns-task', which is not selected\n"],
    ['1,7', 'netstage: stage 7 is out of range: the series has 3 stages (1-3)\n'],
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
      err: "netstage: option '--stage' needs a value\nUsage: netstage stages [--stage SEL]\n",
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
    expect(out.split('\n')[0]).toMatch(/^# {2}id {12}layer/);
  });

  it('exits non-zero with one line on stderr for a bad selection', () => {
    const r = spawnSync(process.execPath, [bin, 'stages', '--stage', '42'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('netstage: stage 42 is out of range: the series has 3 stages (0-3)\n');
  });
});
