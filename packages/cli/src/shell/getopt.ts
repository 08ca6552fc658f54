/**
 * GNU `getopt_long` as the coreutils and grep in the shell use it: options and operands
 * mixed in any order, clustered short options (`-vc`), attached or separate arguments
 * (`-n5`, `-n 5`, `--lines=5`), unambiguous long-option prefixes, `--` ending options,
 * and the exact diagnostics glibc prints.
 *
 * @module
 */

/** A long option: its name and whether it takes an argument. */
export interface LongOption {
  /** The name without dashes, such as `lines`. */
  readonly name: string;
  /** Whether it takes an argument (`--lines=5` or `--lines 5`). */
  readonly arg: boolean;
  /** The short letter it stands for, when it has one; otherwise the name is reported. */
  readonly short?: string;
}

/** One option found: its letter (or long name when it has no letter) and argument. */
export interface FoundOption {
  /** The short letter, or the long name for a long-only option. */
  readonly opt: string;
  /** Its argument, for options that take one. */
  readonly arg: string | undefined;
}

/** What {@link getopt} found, or the diagnostic glibc prints for the first mistake. */
export type GetoptResult =
  | { readonly ok: true; readonly options: readonly FoundOption[]; readonly operands: readonly string[] }
  | { readonly ok: false; readonly message: string };

/**
 * Parse `args` (without the command name) the way glibc's `getopt_long` does with
 * permutation.
 *
 * @param short - the short options, a letter followed by `:` when it takes an argument.
 * @remarks
 * glibc `posix/getopt.c`: messages `invalid option -- 'x'`, `unrecognized option
 * '--x'`, `option requires an argument -- 'n'`, `option '--x' requires an argument`,
 * `option '--x' doesn't allow an argument`, `option '--x' is ambiguous; possibilities:`.
 * The caller prefixes its name and adds its own "Try ... --help" line.
 * @example
 * ```ts
 * import { getopt } from '@netstage/cli';
 * getopt(['-n', '2', 'f'], 'n:', []); // { ok: true, options: [{ opt: 'n', arg: '2' }], operands: ['f'] }
 * getopt(['-x'], 'n:', []);           // { ok: false, message: "invalid option -- 'x'" }
 * ```
 */
export function getopt(args: readonly string[], short: string, long: readonly LongOption[]): GetoptResult {
  const options: FoundOption[] = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = long.find((o) => o.name === name);
      const prefixed = long.filter((o) => o.name.startsWith(name));
      const found = exact ?? (prefixed.length === 1 ? prefixed[0] : undefined);
      if (found === undefined) {
        if (prefixed.length > 1) {
          return { ok: false, message: `option '${a}' is ambiguous; possibilities:${prefixed.map((o) => ` '--${o.name}'`).join('')}` };
        }
        return { ok: false, message: `unrecognized option '${a}'` };
      }
      const opt = found.short ?? found.name;
      if (!found.arg) {
        if (eq >= 0) return { ok: false, message: `option '--${found.name}' doesn't allow an argument` };
        options.push({ opt, arg: undefined });
        continue;
      }
      if (eq >= 0) {
        options.push({ opt, arg: a.slice(eq + 1) });
        continue;
      }
      const next = args[i + 1];
      if (next === undefined) return { ok: false, message: `option '--${found.name}' requires an argument` };
      options.push({ opt, arg: next });
      i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const at = short.indexOf(c);
        if (at < 0 || c === ':') return { ok: false, message: `invalid option -- '${c}'` };
        if (short[at + 1] !== ':') {
          options.push({ opt: c, arg: undefined });
          continue;
        }
        if (j + 1 < a.length) {
          options.push({ opt: c, arg: a.slice(j + 1) });
          break;
        }
        const next = args[i + 1];
        if (next === undefined) return { ok: false, message: `option requires an argument -- '${c}'` };
        options.push({ opt: c, arg: next });
        i++;
        break;
      }
      continue;
    }
    operands.push(a);
  }
  return { ok: true, options, operands };
}
