/**
 * Running commands against real Linux namespaces, privately: every script runs inside
 * `unshare --mount --propagation private` with a fresh tmpfs on `/run` (so `/run/netns`
 * is made there, not on the host), so the names it makes are invisible outside and
 * vanish with it, even if it fails half-way.
 * Namespace names carry the `nst-` prefix.
 *
 * @module
 */

import { spawnSync } from 'node:child_process';

/** Whether this process can run the Linux side: root, with `ip` and `unshare`. */
export function linuxAvailable(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = spawnSync('sh', ['-c', 'command -v ip && command -v unshare'], { encoding: 'utf8' });
  return probe.status === 0;
}

/** What one command printed and returned. */
export interface LinuxResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

const SEPARATOR = '\u0001nst-step\u0001';

/**
 * Run `steps` (shell commands) in one private mount namespace, each step's output and
 * status captured separately.
 */
export function runLinuxSteps(steps: readonly string[]): LinuxResult[] {
  const body = steps
    .map((s, i) => `( ${s} ) >/tmp/nst-out.$$ 2>/tmp/nst-err.$$; rc=$?; printf '%s%d %d\\n' '${SEPARATOR}' ${i} $rc; cat /tmp/nst-out.$$; printf '%s\\n' '${SEPARATOR}err'; cat /tmp/nst-err.$$`)
    .join('\n');
  const script = `set -u\nmount -t tmpfs nst-run /run\nmkdir -p /run/netns\n${body}\nrm -f /tmp/nst-out.$$ /tmp/nst-err.$$\n`;
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`linux side failed (${r.status}): ${r.stderr}`);
  const out: LinuxResult[] = [];
  for (const chunk of r.stdout.split(SEPARATOR).slice(1)) {
    if (chunk.startsWith('err\n')) {
      const last = out[out.length - 1];
      if (last !== undefined) out[out.length - 1] = { ...last, stderr: chunk.slice(4) };
      continue;
    }
    const nl = chunk.indexOf('\n');
    const [, status] = chunk.slice(0, nl).split(' ');
    out.push({ stdout: chunk.slice(nl + 1), stderr: '', status: Number(status) });
  }
  return out;
}
