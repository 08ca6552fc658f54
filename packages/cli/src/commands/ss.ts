/**
 * `ss` (being written).
 *
 * @module
 */

import { finished, type Command } from '../shell/process.js';

/** `ss` (being written). */
export const ssCommand: Command = (ctx) => {
  ctx.stderr.write('ss: not available yet\n');
  return finished(1);
};
