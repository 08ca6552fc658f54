#!/usr/bin/env node
/**
 * The `netstage` executable: hands its arguments to {@link runNetstage} and exits with
 * its status.
 *
 * @module
 */

import { runNetstage } from './main.js';

process.exitCode = runNetstage(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
