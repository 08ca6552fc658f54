import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/scratch-workspace.js';

const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');

describe('README quick start and CI', () => {
  const readme = read('README.md');
  const quickStart = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const commands = (/```sh\n([\s\S]*?)```/.exec(quickStart)?.[1] ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '');

  it('has exactly two commands: the main job and the tests', () => {
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
  });

  it('.ci/run runs the same test command, nothing weaker', () => {
    const steps = read('.ci/run')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('set ') && !l.startsWith('cd '));
    expect(steps).toEqual(['npm ci', 'npm test']);
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['test']).toMatch(/^nx run-many -t build typecheck lint test\b/);
  });
});
