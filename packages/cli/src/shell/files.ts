/**
 * The file system a shell command sees: `/proc` (through procfs, in the namespace of
 * the task that opens the file) and `/dev/null`. The working directory is `/`, so a
 * relative path such as `proc/net/dev` names `/proc/net/dev`; nothing else exists.
 *
 * @module
 */

import { NetError, isNetError, type Kernel, type Task } from '@netstage/core-net';
import { procFs } from '@netstage/procfs';

/** Whether `path` is the null device. */
export function isDevNull(path: string): boolean {
  return absolute(path) === '/dev/null';
}

/** `path` made absolute against the working directory `/`. */
export function absolute(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The whole content of a file as `task` reads it (`/dev/null` is empty).
 *
 * @remarks
 * A directory opens for reading but fails at `read(2)` with EISDIR, as on Linux; the
 * thrown error carries that `syscall` so tools can word it as theirs do (`head: error
 * reading 'X': Is a directory`).
 * @throws NetError ENOENT, ENOTDIR, EISDIR.
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { netstageLayers, readShellFile } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * readShellFile(kernel, kernel.initTask, '/proc/sys/net/ipv4/ip_forward'); // '0\n'
 * ```
 */
export function readShellFile(kernel: Kernel, task: Task, path: string): string {
  if (isDevNull(path)) return '';
  const fs = procFs(kernel);
  const abs = absolute(path);
  if (isDirectory(kernel, task, abs)) throw new NetError('EISDIR', { syscall: 'read' });
  return fs.readFile(task, abs);
}

/**
 * Whether `path` names a directory for `task` (false when it does not exist).
 *
 * @example
 * ```ts
 * import { Kernel } from '@netstage/core-net';
 * import { isDirectory, netstageLayers } from '@netstage/cli';
 * const kernel = Kernel.boot({ layers: netstageLayers });
 * isDirectory(kernel, kernel.initTask, '/proc/net'); // true
 * ```
 */
export function isDirectory(kernel: Kernel, task: Task, path: string): boolean {
  if (isDevNull(path)) return false;
  try {
    return procFs(kernel).stat(task, absolute(path)).type === 'dir';
  } catch (e) {
    if (isNetError(e)) return false;
    throw e;
  }
}

/** The strerror text of a file error (anything else is re-thrown: a bug, not input). */
export function fileError(e: unknown): string {
  if (e instanceof NetError) return e.strerror;
  throw e;
}
