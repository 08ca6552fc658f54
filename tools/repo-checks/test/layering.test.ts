import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScratchWorkspace, layerTags, repoRoot } from '../src/scratch-workspace.js';

// The layering rule of DESIGN.md §2, checked through the repository's real
// eslint.config.mjs and the same `nx run-many -t lint` that `npm run lint` runs.
describe('layering lint (core-net <- devices <- ipv4 <- sockets <- procfs <- cli)', () => {
  const ws = new ScratchWorkspace();
  afterAll(() => ws.remove());

  it('fails when each layer imports the one above it', () => {
    layerTags.forEach((tag, i) => ws.setImport(tag, layerTags[i + 1]));
    const run = ws.lint();
    expect(run.status).not.toBe(0);
    for (const tag of layerTags.slice(0, -1)) {
      const allowed = layerTags.slice(0, layerTags.indexOf(tag) + 1).map((t) => `"layer:${t}"`).join(', ');
      expect(run.output).toContain(`A project tagged with "layer:${tag}" can only depend on libs tagged with ${allowed}`);
    }
    expect(run.output).toContain('@scratch/core-net:lint');
  }, 60_000);

  it('passes when each layer imports the one below it', () => {
    layerTags.forEach((tag, i) => ws.setImport(tag, i === 0 ? undefined : layerTags[i - 1]));
    const run = ws.lint();
    expect(run.output).not.toContain('enforce-module-boundaries');
    expect(run.status).toBe(0);
  }, 60_000);

  it('the real packages carry their layer tags', () => {
    const tagOf = (dir: string): unknown =>
      (JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as { nx?: { tags?: string[] } }).nx?.tags;
    expect(tagOf('packages/core-net')).toEqual(['layer:core-net']);
    expect(tagOf('packages/devices')).toEqual(['layer:devices']);
    expect(tagOf('packages/ipv4')).toEqual(['layer:ipv4']);
    expect(tagOf('packages/sockets')).toEqual(['layer:sockets']);
    expect(tagOf('packages/procfs')).toEqual(['layer:procfs']);
    expect(tagOf('packages/cli')).toEqual(['layer:cli']);
  });
});
