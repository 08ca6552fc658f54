import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { examplesIn, sourceFiles } from '../src/doc-examples.js';
import { repoRoot } from '../src/scratch-workspace.js';

// Every @example in the packages' TSDoc is real code: each is written to a module and
// imported, against the built packages, as a reader who pastes it would run it.
const packages = ['core-net', 'devices', 'ipv4', 'sockets', 'procfs', 'cli'];
const examples = packages.flatMap((p) => sourceFiles(join(repoRoot, 'packages', p, 'src')).flatMap(examplesIn));
const dir = join(repoRoot, 'tools', 'repo-checks', 'test-results', 'examples');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TSDoc examples run', () => {
  it('there are examples to run', () => {
    expect(examples.length).toBeGreaterThan(30);
  });

  it.each(examples.map((e, i) => [`${relative(repoRoot, e.file)}:${e.line}`, i] as const))('%s', async (_where, i) => {
    const example = examples[i];
    if (example === undefined) throw new Error('no example');
    const file = join(dir, `example-${i}.ts`);
    writeFileSync(file, `${example.code}\nexport {};\n`);
    await import(file);
  });
});
