// Runs a script through ShellSession the way the captures ran it: `bash t.sh` in a fresh
// network namespace.
import { Kernel } from '@netstage/core-net';
import { ShellSession, bufferedIo, netstageLayers } from '../src/index.js';

/** A script and what bash printed for it. */
export interface Capture {
  readonly script: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** Run `script` as `t.sh` in a new namespace; every task must be gone afterwards. */
export function runCaptured(script: string): { stdout: string; stderr: string; status: number } {
  const kernel = Kernel.boot({ layers: netstageLayers });
  const task = kernel.initTask.fork();
  task.unshare({ net: true });
  const io = bufferedIo();
  const sh = new ShellSession(kernel, { io, task, name: 't.sh', lineNumbers: true });
  const status = sh.run(script);
  sh.close();
  task.exit();
  if (kernel.tasks().length !== 1) throw new Error(`tasks left behind: ${kernel.tasks().length}`);
  return { stdout: io.stdout(), stderr: io.stderr(), status };
}
