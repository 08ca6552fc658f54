/**
 * `netstage stages [--stage SEL]`: the composed stage manifest as a table.
 *
 * @module
 */

import { Kernel, isNetError } from '@netstage/core-net';
import type { CommandIo } from '../io.js';
import { netstageLayers } from '../layers.js';
import { formatColumns } from '../table.js';
import { UsageError, parseOptions } from '../options.js';

/** Usage text of `netstage stages`. */
export const stagesUsage = `Usage: netstage stages [--stage SEL]

Print the stage manifest: every historical step of the network namespace
conversion, in series order, with the upstream commit it mirrors, whether SEL
turns it on, and why.

SEL: all (the default), none, N (the first N stages), a stage id (the series
up to and including it), or a comma-separated list of ids and numbers (exactly
those, each with its requirements).

Options:
  --stage SEL   the selection
  -h, --help    print this text
`;

/**
 * Print the manifest: number, id, layer, upstream subject, upstream commit (12-digit
 * short id, as a kernel `Fixes:` tag writes it), on/off, and why. A subject marked `*`
 * is a reconstruction, said in a footnote.
 *
 * @returns the exit status: 0, or 2 for a bad option or selection (one line on stderr).
 *
 * @example
 * ```ts
 * import { bufferedIo, stagesCommand } from '@netstage/cli';
 * const io = bufferedIo();
 * stagesCommand(['--stage', '2'], io); // 0
 * io.stdout().split('\n')[0];          // the header row
 * ```
 */
export function stagesCommand(args: readonly string[], io: CommandIo): number {
  let stage: string;
  try {
    const opts = parseOptions(args, { stage: 'value', help: 'flag' }, { h: 'help' });
    if (opts.flags.has('help')) {
      io.out(stagesUsage);
      return 0;
    }
    if (opts.positionals.length > 0) throw new UsageError(`stages: unexpected argument '${opts.positionals[0]}'`);
    stage = opts.values.get('stage') ?? 'all';
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`netstage: ${err.message}\n${stagesUsage}`);
      return 2;
    }
    throw err;
  }
  let kernel: Kernel;
  try {
    kernel = Kernel.boot({ stages: stage, layers: netstageLayers });
  } catch (err) {
    if (isNetError(err, 'EINVAL')) {
      io.err(`netstage: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const rows: string[][] = [['#', 'id', 'layer', 'upstream subject', 'commit', 'state', 'why']];
  let unverified = false;
  for (const s of kernel.manifest.stages) {
    unverified ||= s.subjectVerified === false;
    rows.push([
      String(s.number),
      s.id,
      s.layer,
      s.subjectVerified === false ? `${s.subject} *` : s.subject,
      s.commit.slice(0, 12),
      kernel.stages.isOn(s) ? 'on' : 'off',
      kernel.stages.why(s),
    ]);
  }
  io.out(formatColumns(rows));
  if (unverified) io.out('* subject reconstructed: not checked against the mainline history (the commit id is)\n');
  return 0;
}
