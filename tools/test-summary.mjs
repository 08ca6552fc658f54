// Adds up the Vitest JSON reports every package's test target wrote (fresh or restored
// from the Nx cache) and prints one closing line: "tests: N passed, N failed, N skipped".
// Exits 1 when a test failed, or when no test ran at all.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
const reports = [];
for (const group of ['packages', 'tools']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const file = join(group, name, 'test-results', 'vitest.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
    reports.push(`${group}/${name}: ${report.numPassedTests} passed`);
  }
}
for (const line of reports) console.log(line);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
