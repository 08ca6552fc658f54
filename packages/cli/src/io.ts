/**
 * Where a command writes: a terminal, a test buffer, a browser console.
 *
 * @module
 */

/**
 * The two output streams of a command. Every command returns its exit status and
 * writes through these, so the same code serves the Node binary, the tests and the
 * browser playground.
 *
 * @example
 * ```ts
 * import { bufferedIo } from '@netstage/cli';
 * const io = bufferedIo();
 * io.out('hello\n');
 * io.stdout(); // 'hello\n'
 * ```
 */
export interface CommandIo {
  /** Write to standard output. */
  out(text: string): void;
  /** Write to standard error. */
  err(text: string): void;
  /**
   * Read a file of the host (the script of `netstage run SCRIPT`); absent where there is
   * no file system (a browser), in which case such commands say so.
   *
   * @throws Error with Node's `code` (`ENOENT`, `EISDIR`, …) when the file cannot be read.
   */
  readonly readFile?: (path: string) => string;
  /** Whether standard error is a terminal (progress bars) — false unless told. */
  readonly terminal?: boolean;
}

/** A {@link CommandIo} that keeps what was written, for tests and embedding. */
export interface BufferedIo extends CommandIo {
  /** Everything written to standard output so far. */
  stdout(): string;
  /** Everything written to standard error so far. */
  stderr(): string;
}

/**
 * Make a {@link BufferedIo}.
 *
 * @example
 * ```ts
 * import { bufferedIo, runNetstage } from '@netstage/cli';
 * const io = bufferedIo();
 * runNetstage(['stages', '--stage', 'nonsense'], io); // 2
 * io.stderr(); // "netstage: unknown stage 'nonsense' (run 'netstage stages' for the list)\n"
 * ```
 */
export function bufferedIo(): BufferedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdout: () => out,
    stderr: () => err,
  };
}
