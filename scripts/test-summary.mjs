#!/usr/bin/env node
// Prints the plain closing line CI reads, "N passed, N failed", from vitest's JSON report.
// A report that is missing or unreadable counts as one failure, so a crashed run is never green.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/vitest.json';
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  // A test file that fails to load has no tests in the counts: count it as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
  if (report.success === false && failed === 0) failed = 1;
} catch (error) {
  console.error(`could not read the test report ${file}: ${error.message}`);
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
