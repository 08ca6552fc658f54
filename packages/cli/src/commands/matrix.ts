/**
 * `netstage matrix [SCRIPT]`: run a script at every stage prefix and show, step by step,
 * from which stage on it works in non-initial namespaces, and what refused it before.
 *
 * @module
 */

import { Kernel, isNetError, stagePrefixes, type StageSelection } from '@netstage/core-net';
import type { CommandIo } from '../io.js';
import { netstageLayers } from '../layers.js';
import { UsageError, parseOptions } from '../options.js';
import { ShellSession } from '../shell/interpreter.js';
import { Deadlock } from '../shell/scheduler.js';
import { demoScript } from './demo-script.js';

/** Usage text of `netstage matrix`. */
export const matrixUsage = `Usage: netstage matrix [--format text|md|json] [SCRIPT]

Run SCRIPT (default: the demo's session) once at every prefix of the stage
series, from no stages to all, one line at a time, and print which lines
succeed at each prefix; for each line, the first prefix from which it always
works, and what refused it just before (the stage whose gate said no, how many
times, and the command's last error line).

Options:
  --format F   text (default), md (a Markdown table) or json
  -h, --help   print this text
`;

/** One line of the script at one stage prefix. */
export interface StepOutcome {
  /** Its exit status. */
  readonly status: number;
  /** The stage whose gates refused most while it ran, and how often (none: `undefined`). */
  readonly refusal: { readonly stage: string; readonly count: number } | undefined;
  /** The last line it wrote on standard error (`''` for none). */
  readonly message: string;
}

/** A script line at every prefix. */
export interface MatrixRow {
  /** The line as written. */
  readonly command: string;
  /** One outcome per prefix, prefix 0 (no stages) first. */
  readonly outcomes: readonly StepOutcome[];
  /** The first prefix from which the line succeeds at every later prefix (`undefined`: not even with all stages). */
  readonly worksFrom: number | undefined;
}

/** The whole matrix. */
export interface StageMatrix {
  /** The stages, in series order (prefix N turns the first N on). */
  readonly stages: readonly { readonly number: number; readonly id: string }[];
  /** One row per script line. */
  readonly rows: readonly MatrixRow[];
}

/** The lines of a script that are steps: not blank, not comments. */
export function scriptSteps(script: string): string[] {
  return script.split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
}

/**
 * Run `script` at every stage prefix. `progress(done, total)` is called after each.
 *
 * @example
 * ```ts
 * import { stageMatrix } from '@netstage/cli';
 * const m = stageMatrix('ip netns add red\n');
 * const clone = m.stages.find((s) => s.id === 'net-ns-clone');
 * m.rows[0]?.worksFrom === clone?.number; // true: unshare(CLONE_NEWNET) needs it
 * ```
 */
export function stageMatrix(script: string, progress?: (done: number, total: number) => void): StageMatrix {
  const steps = scriptSteps(script);
  const probe = Kernel.boot({ layers: netstageLayers });
  const manifest = probe.manifest;
  const prefixes = stagePrefixes(manifest);
  const outcomes: StepOutcome[][] = steps.map(() => []);
  prefixes.forEach((selection, i) => {
    const row = runSteps(selection, steps);
    row.forEach((o, j) => outcomes[j]?.push(o));
    progress?.(i + 1, prefixes.length);
  });
  const rows = steps.map((command, j): MatrixRow => {
    const o = outcomes[j] ?? [];
    let worksFrom: number | undefined;
    for (let p = o.length - 1; p >= 0 && o[p]?.status === 0; p--) worksFrom = p;
    return { command, outcomes: o, worksFrom };
  });
  return { stages: manifest.stages.map((s) => ({ number: s.number, id: s.id })), rows };
}

/** Each step's outcome in a fresh kernel with `selection` on. */
function runSteps(selection: StageSelection, steps: readonly string[]): StepOutcome[] {
  const kernel = Kernel.boot({ stages: selection, layers: netstageLayers });
  const stages = kernel.manifest.stages;
  const totals = (): number[] => stages.map((s) => kernel.nets().reduce((n, net) => n + kernel.stages.refusals(s, net), 0));
  let err = '';
  const shell = new ShellSession(kernel, { io: { out: () => undefined, err: (t) => (err += t) } });
  const out: StepOutcome[] = [];
  try {
    for (const step of steps) {
      err = '';
      const before = totals();
      let status: number;
      try {
        status = shell.runLine(step);
      } catch (e) {
        if (!(e instanceof Deadlock)) throw e;
        status = 124;
        err += `${e.message}\n`;
      }
      const after = totals();
      let best = -1;
      let count = 0;
      after.forEach((n, i) => {
        const d = n - (before[i] ?? 0);
        if (d > count) {
          count = d;
          best = i;
        }
      });
      const lines = err.split('\n').filter((l) => l.trim() !== '');
      out.push({
        status,
        refusal: best < 0 ? undefined : { stage: stages[best]?.id ?? '?', count },
        message: lines[lines.length - 1] ?? '',
      });
    }
  } finally {
    shell.close();
  }
  return out;
}

function clip(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

/** What refused a row just before it started working, in words. */
function refusalText(m: StageMatrix, row: MatrixRow): string {
  const at = row.worksFrom === undefined ? row.outcomes.length - 1 : row.worksFrom - 1;
  const o = row.outcomes[at];
  if (o === undefined) return '';
  const gate = o.refusal === undefined ? 'no gate counted' : `${o.refusal.stage} ×${o.refusal.count}`;
  const msg = o.message === '' ? `exit ${o.status}` : o.message;
  return `${gate}: ${msg}`;
}

function worksFromText(m: StageMatrix, row: MatrixRow): string {
  if (row.worksFrom === undefined) return 'never';
  if (row.worksFrom === 0) return '0 (always)';
  return `${row.worksFrom} ${m.stages[row.worksFrom - 1]?.id ?? ''}`;
}

/**
 * The matrix as text: a grid (`✓` works, `·` fails; one column per prefix), then each
 * line's first working prefix and what refused it just before.
 */
export function formatMatrixText(m: StageMatrix): string {
  const n = m.stages.length;
  const width = Math.min(48, Math.max(10, ...m.rows.map((r) => r.command.length + 4)));
  const pad = ' '.repeat(width);
  const tens = Array.from({ length: n + 1 }, (_, p) => (p % 10 === 0 ? String(p / 10) : ' ')).join('');
  const ones = Array.from({ length: n + 1 }, (_, p) => String(p % 10)).join('');
  let out = `Stage matrix: every line at every stage prefix (0 = no stages … ${n} = all); ✓ works, · fails.\n\n`;
  out += `${pad}${tens}\n${clip('step', width)}${ones}\n`;
  m.rows.forEach((r, i) => {
    const label = clip(`${String(i + 1).padStart(2)} ${r.command.trim()}`, width - 1);
    out += `${label} ${r.outcomes.map((o) => (o.status === 0 ? '✓' : '·')).join('')}\n`;
  });
  out += '\nWorks from (prefix and the stage it adds), and what refused it just before:\n';
  m.rows.forEach((r, i) => {
    if (r.worksFrom === 0) return;
    out += `${String(i + 1).padStart(2)} ${clip(worksFromText(m, r), 30)} ${refusalText(m, r)}\n`;
  });
  return out;
}

/** The matrix as a Markdown table (one row per line). */
export function formatMatrixMarkdown(m: StageMatrix): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  let out = '| # | step | at each prefix (0…' + String(m.stages.length) + ') | works from | refused before by |\n|---|---|---|---|---|\n';
  m.rows.forEach((r, i) => {
    const grid = r.outcomes.map((o) => (o.status === 0 ? '✓' : '·')).join('');
    out += `| ${i + 1} | \`${cell(r.command.trim())}\` | \`${grid}\` | ${cell(worksFromText(m, r))} | ${r.worksFrom === 0 ? '' : cell(refusalText(m, r))} |\n`;
  });
  return out;
}

/**
 * `netstage matrix [--format text|md|json] [SCRIPT]`.
 *
 * @returns 0; 2 for a usage mistake; 127 when SCRIPT cannot be read.
 *
 * @example
 * ```ts
 * import { bufferedIo, matrixCommand } from '@netstage/cli';
 * const io = bufferedIo();
 * matrixCommand(['--help'], io); // 0
 * ```
 */
export function matrixCommand(args: readonly string[], io: CommandIo): number {
  let format: string;
  let script = demoScript;
  try {
    const opts = parseOptions(args, { format: 'value', help: 'flag' }, { h: 'help' });
    if (opts.flags.has('help')) {
      io.out(matrixUsage);
      return 0;
    }
    format = opts.values.get('format') ?? 'text';
    if (!['text', 'md', 'json'].includes(format)) throw new UsageError(`matrix: unknown format '${format}' (text, md or json)`);
    const [path, ...extra] = opts.positionals;
    if (extra.length > 0) throw new UsageError(`matrix: unexpected argument '${extra[0]}'`);
    if (path !== undefined) {
      if (io.readFile === undefined) {
        io.err(`netstage: matrix: cannot read ${path}: no file system here\n`);
        return 127;
      }
      try {
        script = io.readFile(path);
      } catch (err) {
        const code = (err as { code?: string }).code;
        io.err(`netstage: ${path}: ${code === 'ENOENT' ? 'No such file or directory' : String(err)}\n`);
        return 127;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`netstage: ${err.message}\n${matrixUsage}`);
      return 2;
    }
    throw err;
  }
  const progress = io.terminal === true
    ? (done: number, total: number): void => {
        const bar = '#'.repeat(Math.round((done / total) * 30)).padEnd(30, '.');
        io.err(`\rmatrix [${bar}] ${done}/${total}${done === total ? '\r\x1b[K' : ''}`);
      }
    : (done: number, total: number): void => {
        if (done === total || done % 10 === 0) io.err(`matrix: ${done}/${total} stage prefixes run\n`);
      };
  let m: StageMatrix;
  try {
    m = stageMatrix(script, progress);
  } catch (err) {
    if (isNetError(err, 'EINVAL')) {
      io.err(`netstage: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (format === 'json') io.out(`${JSON.stringify(m, null, 2)}\n`);
  else if (format === 'md') io.out(formatMatrixMarkdown(m));
  else io.out(formatMatrixText(m));
  return 0;
}
