import { expect, it } from 'vitest';
import type { StorageAdapter } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { wrapAdapter } from '../helpers/wrap-adapter.js';
import { checkTenantIsolation } from './tenant-isolation.js';

it('random operations by two tenants never show either the other’s data (memory)', async () => {
  await checkTenantIsolation(() => memoryAdapter(), 25);
}, 120_000);

it('catches an adapter that lets one tenant list another’s records', async () => {
  const leaky = (): StorageAdapter => {
    const inner = memoryAdapter();
    const tenants = new Set<string>();
    return wrapAdapter(inner, {
      reader: {
        listRecords: (list) => async (tenant, query) => {
          tenants.add(tenant);
          const rows = [];
          for (const t of tenants) rows.push(...(await list(t, query)));
          return rows;
        },
      },
      tx: { lockTenant: (lock) => (tenant) => (tenants.add(tenant), lock(tenant)) },
    });
  };
  const failure = (await checkTenantIsolation(leaky, 25).then(() => undefined, (error: unknown) => error)) as Error & { cause?: Error };
  expect(failure).toBeInstanceOf(Error);
  expect(`${failure.message} ${failure.cause?.message ?? ''}`).toMatch(/saw/);
}, 120_000);
