import { randomUUID } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { AdapterCapabilities, StorageAdapter } from '../adapters/contract.js';
import { createTouchlog, type Touchlog } from '../store/touchlog.js';

/**
 * A clock that starts at `start` and moves `stepMs` forward on every call: deterministic instants
 * that still increase.
 */
export function steppingClock(start: Date | string = '2026-01-01T00:00:00Z', stepMs = 1): () => Date {
  let next = new Date(start).getTime();
  return () => {
    const now = new Date(next);
    next += stepMs;
    return now;
  };
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic ULIDs for tests and replays: the same seed and clock give the same ids, still
 * monotonic within the process.
 */
export function deterministicIds(seed = 1, clock: () => Date = steppingClock()): () => string {
  const next = monotonicFactory(seededRandom(seed));
  return () => next(clock().getTime());
}

/** What a conformance check gets to work with. */
export interface ConformanceHarness {
  /** The adapter under test (shared by the checks of a run; every check uses fresh tenants). */
  readonly adapter: StorageAdapter;
  readonly capabilities: AdapterCapabilities;
  /** A tenant name no other check uses. */
  newTenant(): string;
  /** A touchlog instance on the adapter for `tenant` (a new tenant when omitted) with a stepping clock. */
  log(tenant?: string, options?: { actor?: string; clock?: () => Date; adapter?: StorageAdapter }): Touchlog;
  /**
   * A second adapter on the same storage (persistent adapters only): what another process, or the
   * same process after a restart, would see.
   */
  reopen?: () => Promise<StorageAdapter>;
}

export function createHarness(
  adapter: StorageAdapter,
  capabilities: AdapterCapabilities,
  reopen?: () => Promise<StorageAdapter>,
): ConformanceHarness {
  return {
    adapter,
    capabilities,
    newTenant: () => `conf-${randomUUID().slice(0, 8)}`,
    log(tenant, options = {}) {
      return createTouchlog({
        adapter: options.adapter ?? adapter,
        tenant: tenant ?? `conf-${randomUUID().slice(0, 8)}`,
        actor: options.actor ?? 'conformance',
        clock: options.clock ?? steppingClock(),
      });
    },
    ...(reopen ? { reopen } : {}),
  };
}
