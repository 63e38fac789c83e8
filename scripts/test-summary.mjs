#!/usr/bin/env node
// Adds up the vitest JSON reports that each package's test run leaves in .vitest-report.json and
// prints one closing line: "tests: N passed, N failed, N skipped". Exits non-zero on failures
// or when a package left no report (its run crashed before reporting).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const dirs = [...readdirSync(join(root, 'packages')).map((d) => join('packages', d)), 'examples'];
for (const dir of dirs) {
  const pkg = join(root, dir);
  if (!existsSync(join(pkg, 'package.json'))) continue;
  const report = join(pkg, '.vitest-report.json');
  if (!existsSync(report)) {
    missing.push(dir);
    continue;
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  if (r.numFailedTestSuites > 0 && r.numFailedTests === 0) failed += r.numFailedTestSuites;
}
if (missing.length) console.log(`packages without a test report: ${missing.join(', ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length ? 1 : 0);
