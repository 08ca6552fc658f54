/**
 * `npm run bench`: the suite of issue 8 (see `suite.ts`), printed line by line, then its
 * targets table, and written as JSON to `bench/results/<YYYY-MM-DD>.json` at the
 * repository root, or to the path after `--json`.
 *
 * ```sh
 * node --expose-gc --max-old-space-size=12288 --import tsx src/main.ts [--quick] [--no-kernel] [--json PATH]
 * ```
 *
 * `--quick` runs every benchmark for a fraction of a second (small counts, one run) so a
 * test can prove the suite still runs; `--no-kernel` skips the real kernel's rows even
 * as root. Relative `--json` paths are taken from the directory npm was started in.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSuite } from './suite.js';

const usage = 'usage: main.ts [--quick] [--no-kernel] [--json PATH]';

function parse(argv: readonly string[]): { quick: boolean; kernel: boolean; json: string | undefined } | string {
  let quick = false;
  let kernel = true;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--no-kernel') kernel = false;
    else if (a === '--json') {
      json = argv[++i];
      if (json === undefined) return `--json needs a path\n${usage}`;
    } else return `unknown argument ${a ?? ''}\n${usage}`;
  }
  return { quick, kernel, json };
}

const args = parse(process.argv.slice(2));
if (typeof args === 'string') {
  console.error(args);
  process.exitCode = 2;
} else {
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  const day = new Date().toISOString().slice(0, 10);
  const out =
    args.json === undefined
      ? resolve(repoRoot, 'bench', 'results', `${day}${args.quick ? '-quick' : ''}.json`)
      : resolve(process.env['INIT_CWD'] ?? process.cwd(), args.json);
  const report = runSuite({ quick: args.quick, kernel: args.kernel });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}
