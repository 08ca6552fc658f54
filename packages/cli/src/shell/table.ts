/**
 * Every command the netstage shell knows.
 *
 * @module
 */

import { ipCommand } from '../commands/ip/index.js';
import { ncCommand } from '../commands/nc.js';
import { pingCommand } from '../commands/ping.js';
import { ssCommand } from '../commands/ss.js';
import { coreCommands } from './builtins.js';
import type { CommandTable } from './spawn.js';

/**
 * The command table of `netstage run` and `netstage shell`: builtins and filters, `ip`,
 * `ping`, `ss`, `nc`.
 *
 * @example
 * ```ts
 * import { netstageCommands } from '@netstage/cli';
 * netstageCommands().has('ip'); // true
 * ```
 */
export function netstageCommands(): CommandTable {
  return new Map([...Object.entries(coreCommands), ['ip', ipCommand], ['ping', pingCommand], ['ss', ssCommand], ['nc', ncCommand]]);
}
