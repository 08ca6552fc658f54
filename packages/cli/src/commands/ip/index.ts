/**
 * `ip`: iproute2's command over netstage's control surface.
 *
 * @module
 */

import { finished, type Command } from '../../shell/process.js';

/** `ip [OPTIONS] OBJECT COMMAND ...` (being written). */
export const ipCommand: Command = (ctx) => {
  ctx.stderr.write('ip: not available yet\n');
  return finished(1);
};
