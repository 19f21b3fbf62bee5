/**
 * Fuzzing every public entry point at volume: 10 000 cases per target by default (the test suite
 * runs a few dozen). Fails on the first foreign exception, hang, partial write or prototype
 * pollution, with the counterexample.
 *
 *   npm run bench:fuzz [-- --runs 10000]
 */
import { memoryAdapter } from '../src/adapters/memory/index.js';
import { FUZZ_TARGETS, fuzz } from '../test/resilience/fuzz-targets.js';
import { argNumber, printTable } from './util.js';

const runs = argNumber('runs', 10_000);
const rows: Array<[string, string]> = [];
for (const target of FUZZ_TARGETS) {
  const started = performance.now();
  await fuzz(target, () => memoryAdapter(), runs, 20261123);
  rows.push([target.name, `${runs} cases in ${((performance.now() - started) / 1000).toFixed(1)} s`]);
}
printTable(`fuzz: ${FUZZ_TARGETS.length} entry points × ${runs} cases, no foreign error, hang or partial write`, rows);
