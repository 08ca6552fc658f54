/**
 * A throwaway Nx workspace that uses the repository's real `eslint.config.mjs` and
 * `node_modules`, with one tiny package per layer tag, so a test can make any layer
 * import any other and see what `nx run-many -t lint` says — without touching the real
 * packages.
 *
 * @module
 */

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The layer tags in order, lowest first, and the command package on top. */
export const layerTags = ['core-net', 'devices', 'ipv4', 'sockets', 'procfs', 'cli'] as const;

/** One lint run's outcome. */
export interface LintRun {
  readonly status: number;
  readonly output: string;
}

/** A scratch workspace in the system temp directory. */
export class ScratchWorkspace {
  readonly root: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'netstage-layering-'));
    copyFileSync(join(repoRoot, 'eslint.config.mjs'), join(this.root, 'eslint.config.mjs'));
    symlinkSync(join(repoRoot, 'node_modules'), join(this.root, 'node_modules'));
    writeFileSync(
      join(this.root, 'package.json'),
      JSON.stringify({ name: 'layering-scratch', private: true, type: 'module', workspaces: ['packages/*'] }),
    );
    writeFileSync(join(this.root, 'nx.json'), JSON.stringify({ analytics: false, useDaemonProcess: false }));
    for (const tag of layerTags) {
      const dir = join(this.root, 'packages', tag, 'src');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(this.root, 'packages', tag, 'package.json'),
        JSON.stringify({
          name: `@scratch/${tag}`,
          version: '0.0.0',
          type: 'module',
          exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
          scripts: { build: 'tsc -b', lint: 'eslint src' },
          nx: { tags: [`layer:${tag}`] },
        }),
      );
    }
  }

  /** Make package `from` import package `to` (or nothing, with `undefined`). */
  setImport(from: string, to: string | undefined): void {
    const code = to === undefined
      ? `export const value = 1;\n`
      : `import { value as below } from '@scratch/${to}';\nexport const value = below + 1;\n`;
    writeFileSync(join(this.root, 'packages', from, 'src', 'index.ts'), code);
  }

  /** `nx run-many -t lint` over every package, without the cache. */
  lint(): LintRun {
    try {
      const output = execFileSync(
        process.execPath,
        [join(repoRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run-many', '-t', 'lint', '--skip-nx-cache', '--output-style=static'],
        { cwd: this.root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } },
      );
      return { status: 0, output };
    } catch (err) {
      const e = err as { status?: number; stdout?: string; stderr?: string };
      return { status: e.status ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  /** Delete it. */
  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
