/**
 * The shell's own commands and the text filters (being written).
 *
 * @module
 */

import type { Command } from './process.js';

/** Builtins and filters by name (being written). */
export const coreCommands: Readonly<Record<string, Command>> = {};
