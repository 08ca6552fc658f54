/**
 * Replaying golden `ip` transcripts (`$ cmd`, output, `(exit N)`) through the shell's
 * command table, byte for byte.
 */

import type { Kernel } from '@netstage/core-net';
import { expect } from 'vitest';
import { netstageCommands, runArgv } from '../src/index.js';

/** One step of a transcript: the argv, what it printed (stdout then stderr) and its status. */
export interface Step {
  readonly argv: string[];
  readonly output: string;
  readonly status: number;
}

/** Parse a transcript; `[errno: …]` notes (reference §4 C) are dropped. */
export function parseTranscript(text: string): Step[] {
  const steps: Step[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (!line.startsWith('$ ')) {
      i++;
      continue;
    }
    const argv = line.slice(2).split(' ');
    const out: string[] = [];
    let status = 0;
    i++;
    while (i < lines.length && !(lines[i] as string).startsWith('$ ')) {
      const l = lines[i] as string;
      const m = /^\(exit (\d+)\)$/.exec(l);
      if (m !== null) {
        status = Number(m[1]);
        i++;
        while (i < lines.length && !(lines[i] as string).startsWith('$ ')) i++;
        break;
      }
      out.push(l);
      i++;
    }
    if (status === 0) while (out.length > 0 && out[out.length - 1] === '') out.pop();
    steps.push({ argv, output: out.length === 0 ? '' : `${out.join('\n')}\n`, status });
  }
  return steps;
}

/** Run every step and compare; `mask` normalises both sides (random MACs). */
export function replay(kernel: Kernel, text: string, mask: (s: string) => string = (s) => s): void {
  const table = netstageCommands();
  for (const step of parseTranscript(text)) {
    const r = runArgv(table, kernel, step.argv);
    expect({ cmd: step.argv.join(' '), out: mask(r.stdout + r.stderr), status: r.status }).toEqual({
      cmd: step.argv.join(' '),
      out: mask(step.output),
      status: step.status,
    });
  }
}

/** Run one command. */
export function ip(kernel: Kernel, line: string): { stdout: string; stderr: string; status: number } {
  return runArgv(netstageCommands(), kernel, line.split(' '));
}
