/**
 * `ping` (being written).
 *
 * @module
 */

import { finished, type Command } from '../shell/process.js';

/** `ping` (being written). */
export const pingCommand: Command = (ctx) => {
  ctx.stderr.write('ping: not available yet\n');
  return finished(1);
};
