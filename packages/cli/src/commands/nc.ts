/**
 * `nc` (being written).
 *
 * @module
 */

import { finished, type Command } from '../shell/process.js';

/** `nc` (being written). */
export const ncCommand: Command = (ctx) => {
  ctx.stderr.write('nc: not available yet\n');
  return finished(1);
};
