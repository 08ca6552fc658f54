/**
 * A small option parser for the `netstage` command's own options (`--stage SEL`,
 * `--stage=SEL`, `-h`), with errors a person can act on.
 *
 * @module
 */

/** A command-line mistake: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parsed options: flags seen, values given, and the remaining arguments. */
export interface ParsedOptions {
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
  readonly positionals: readonly string[];
}

/**
 * Parse `args` against a spec of long options (`flag` takes no value, `value` takes
 * one) and short aliases. `--` ends the options.
 *
 * @throws UsageError for an unknown option, a missing value, or a value given to a flag.
 *
 * @example
 * ```ts
 * import { parseOptions } from '@netstage/cli';
 * const o = parseOptions(['--stage=3', 'x'], { stage: 'value' });
 * o.values.get('stage'); // '3'
 * o.positionals;         // ['x']
 * ```
 */
export function parseOptions(
  args: readonly string[],
  spec: Readonly<Record<string, 'flag' | 'value'>>,
  aliases: Readonly<Record<string, string>> = {},
): ParsedOptions {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const alias = aliases[arg.slice(1)];
      if (alias === undefined) throw new UsageError(`unknown option '${arg}'`);
      name = alias;
    } else {
      positionals.push(arg);
      continue;
    }
    const kind = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new UsageError(`unknown option '${arg}'`);
    if (kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value`);
      flags.add(name);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`option '--${name}' needs a value`);
    values.set(name, value);
  }
  return { flags, values, positionals };
}
