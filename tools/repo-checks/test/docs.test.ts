import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/scratch-workspace.js';

// `npm run docs` = build + typedoc with typedoc.json, which treats an undocumented export
// or a broken link as an error. Run the same typedoc into a scratch folder.
describe('API docs', () => {
  const out = mkdtempSync(join(tmpdir(), 'netstage-docs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('typedoc builds with every export documented, and core-net has its page and essay', () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    const page = readFileSync(join(out, 'modules', '_netstage_core-net.html'), 'utf8');
    expect(page).toContain('the kernel core of netstage');
    for (const name of ['Kernel', 'Net', 'Task', 'VirtualClock', 'NetError', 'StageSet', 'Manifest']) {
      expect(existsSync(join(out, 'classes', `_netstage_core-net.${name}.html`))).toBe(true);
    }
  }, 120_000);
});
