/**
 * `touchlog/testing`: the conformance suite every storage adapter runs, helpers for
 * deterministic tests, and a realistic multi-source demo data set (`generateDemoDataset`) for
 * prototypes, examples and tests of your own.
 *
 * @example
 * ```ts
 * // my-adapter.test.ts
 * import { afterAll, beforeAll, describe, it } from 'vitest';
 * import { runAdapterConformance } from 'touchlog/testing';
 * import { myAdapter } from '../src/my-adapter.js';
 *
 * runAdapterConformance({
 *   name: 'my-adapter',
 *   create: () => myAdapter({ url: process.env.DB_URL }),
 *   runner: { describe, it, beforeAll, afterAll },
 * });
 * ```
 *
 * @module touchlog/testing
 */
import type { AdapterCapabilities, StorageAdapter } from '../adapters/contract.js';
import { CONFORMANCE_CHECKS, type ConformanceCheck } from './checks.js';
import { createHarness } from './harness.js';

export { CONFORMANCE_CHECKS, rejectsWith, type ConformanceCheck } from './checks.js';
export { deterministicIds, seededRandom, steppingClock, type ConformanceHarness } from './harness.js';
export { sample } from './fixtures.js';
export { faultInjectingAdapter, type FaultInjectingAdapter, type FaultOptions } from './faults.js';
export { generateDemoDataset, type DemoCustomer, type DemoDataset, type DemoOptions } from '../demo/dataset.js';
export { simulateCustomerBase, type CustomerBaseOptions, type SimulatedCustomerBase } from './customer-base.js';
export { generateReceivables, type GeneratedCustomer, type GeneratedReceivables, type ReceivablesOptions } from './receivables.js';

/**
 * The test functions of your runner. vitest's and node:test's fit as they are
 * (`{ describe, it, before: beforeAll, after: afterAll }` for node:test).
 */
export interface TestRunner {
  describe(name: string, fn: () => void): unknown;
  it(name: string, options: { skip?: boolean; timeout?: number }, fn: () => Promise<void>): unknown;
  beforeAll(fn: () => Promise<void>): unknown;
  afterAll(fn: () => Promise<void>): unknown;
}

/** Options of {@link runAdapterConformance}. */
export interface AdapterConformanceOptions {
  /** Name shown in the test report. */
  readonly name: string;
  /** Creates the adapter under test. It is migrated, shared by all checks (each uses fresh tenants) and closed at the end. */
  create(): StorageAdapter | Promise<StorageAdapter>;
  /** Opens a second adapter on the same storage; needed by the persistence checks. */
  reopen?(): Promise<StorageAdapter>;
  /** Overrides the capabilities the adapter declares. */
  readonly capabilities?: Partial<AdapterCapabilities>;
  readonly runner: TestRunner;
  /** Per-check timeout in milliseconds; 60 000 when not given. */
  readonly timeout?: number;
}

/**
 * Registers the conformance suite: every check of {@link CONFORMANCE_CHECKS}, grouped by
 * capability. A check that needs a capability the adapter does not declare is reported as skipped,
 * with the reason in its name, never silently left out.
 */
export function runAdapterConformance(options: AdapterConformanceOptions): void {
  const { runner } = options;
  runner.describe(`adapter conformance: ${options.name}`, () => {
    let adapter: StorageAdapter | undefined;
    let harness: ReturnType<typeof createHarness> | undefined;
    runner.beforeAll(async () => {
      adapter = await options.create();
      await adapter.migrate();
      harness = createHarness(adapter, { ...adapter.capabilities, ...options.capabilities }, options.reopen);
    });
    runner.afterAll(async () => {
      await adapter?.close();
    });
    const groups = [...new Set(CONFORMANCE_CHECKS.map((check) => check.group))];
    for (const group of groups) {
      runner.describe(group, () => {
        for (const check of CONFORMANCE_CHECKS.filter((c) => c.group === group)) {
          const declared = (name: keyof AdapterCapabilities) => options.capabilities?.[name] ?? true;
          const unmet = check.needs !== undefined && (!declared(check.needs) || (check.needs === 'persistent' && !options.reopen));
          const title = unmet ? `${check.name} (skipped: needs the ${check.needs} capability)` : check.name;
          runner.it(title, { skip: unmet, timeout: options.timeout ?? 60_000 }, async () => {
            if (!harness) throw new Error('the adapter could not be created');
            if (check.needs && !harness.capabilities[check.needs]) {
              throw new Error(`${check.name} needs the ${check.needs} capability, which ${options.name} does not declare`);
            }
            await check.run(harness);
          });
        }
      });
    }
  });
}

/**
 * Runs one check against an adapter outside any test runner; rejects when the adapter fails it.
 * Used to prove that the suite catches broken adapters.
 */
export async function runConformanceCheck(
  check: ConformanceCheck,
  adapter: StorageAdapter,
  reopen?: () => Promise<StorageAdapter>,
): Promise<void> {
  await adapter.migrate();
  await check.run(createHarness(adapter, adapter.capabilities, reopen));
}
