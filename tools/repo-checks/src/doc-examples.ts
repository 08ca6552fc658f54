/**
 * Find the `@example` blocks of TSDoc comments in the packages' sources, so a test can
 * run each one: an example that does not run is a wrong example.
 *
 * @module
 */

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One example: where it is written and its code. */
export interface DocExample {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

/** Every `.ts` file below `dir`. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** The fenced ```ts blocks that follow an `@example` tag in a file's doc comments. */
export function examplesIn(file: string): DocExample[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: DocExample[] = [];
  let inExample = false;
  let code: string[] | undefined;
  let start = 0;
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s*\* ?/, '');
    if (/^\s*\*\s*@example\b/.test(raw)) {
      inExample = true;
      return;
    }
    if (/^\s*\*\s*@\w+/.test(raw) || /\*\//.test(raw)) {
      if (code === undefined) inExample = false;
    }
    if (!inExample) return;
    if (code === undefined && /^```ts\s*$/.test(line)) {
      code = [];
      start = i + 2;
      return;
    }
    if (code !== undefined && /^```\s*$/.test(line)) {
      out.push({ file, line: start, code: code.join('\n') + '\n' });
      code = undefined;
      inExample = false;
      return;
    }
    code?.push(line);
  });
  return out;
}
