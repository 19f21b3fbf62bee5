/**
 * An SQL-injection corpus through every string filter and field, on a SQL adapter: reads leave the
 * database byte-for-byte unchanged, writes store the strings as data (exactly, round-tripped) and
 * change nothing else.
 */
import { expect } from 'vitest';
import { createTouchlog, isTouchlogError, type StorageAdapter } from 'touchlog';
import { sample } from 'touchlog/testing';
import { INJECTION } from './fuzz-targets.js';

/** Every table's rows, as text, in a stable order. */
export type Snapshot = () => Promise<Record<string, string[]>>;

const settle = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (error) {
    // Refusing the input is fine; anything but a typed error is not.
    expect(isTouchlogError(error), String(error)).toBe(true);
  }
};

export async function checkSqlInjection(adapter: StorageAdapter, snapshot: Snapshot): Promise<void> {
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'inject', actor: 'svc:test' });
  const other = createTouchlog({ adapter, tenant: 'bystander', actor: 'svc:test' });
  const { record: customer } = await log.customers.record(sample.customer(1));
  await log.interactions.record(sample.interaction(customer.id, 1));
  await other.customers.record(sample.customer(1));
  const before = await snapshot();

  // Reads: every filter and lookup that takes a string.
  for (const evil of INJECTION) {
    await settle(() => log.interactions.list({ customerId: evil }));
    await settle(() => log.interactions.list({ sourceSystem: evil }));
    await settle(() => log.interactions.list({ from: evil }));
    await settle(() => log.interactions.list({ cursor: evil }));
    await settle(() => log.interactions.list({ cursor: Buffer.from(JSON.stringify([evil, evil])).toString('base64url') }));
    await settle(() => log.interactions.find(evil));
    await settle(() => log.interactions.getBySource({ system: evil, externalId: evil }));
    await settle(() => log.linked({ kind: 'invoice', ref: evil }));
    await settle(() => log.finance.findByRef('invoice', evil));
    await settle(() => log.customers.resolve({ type: 'email', value: evil }));
    await settle(() => log.customers.resolve({ type: 'external', system: 'erp', value: evil }));
    await settle(() => log.timeline(customer.id, { link: { kind: 'invoice', ref: evil }, statuses: [evil] }));
    await settle(() => log.timeline(customer.id, { cursor: Buffer.from(JSON.stringify([evil, evil])).toString('base64url') }));
    await settle(() => log.audit.history(evil));
    await settle(() => log.audit.verify({ against: { seq: 1, hash: evil } }));
    await settle(() => createTouchlog({ adapter, tenant: 'inject', actor: evil }).interactions.list());
  }
  expect(await snapshot()).toEqual(before);

  // Writes: the strings are stored as data, exactly, and nothing else changes.
  const written: string[] = [];
  for (const [i, evil] of INJECTION.entries()) {
    if (evil.includes('\u0000') || evil === '\\x00') continue;
    const { record } = await log.interactions.record(
      sample.interaction(customer.id, 100 + i, {
        subject: evil,
        summary: evil,
        tags: [evil.slice(0, 60).trim() || 'x'],
        metadata: { [evil.slice(0, 50)]: evil },
        links: [{ kind: 'invoice', ref: evil }],
        source: { system: 'crm', externalId: evil },
      }),
    );
    written.push(record.id);
    const back = await log.interactions.get(record.id);
    expect(back.subject).toBe(evil);
    expect(back.metadata).toEqual({ [evil.slice(0, 50)]: evil });
    expect((await log.linked({ kind: 'invoice', ref: evil })).items.map((item) => item.record.id)).toEqual([record.id]);
    expect((await log.interactions.getBySource({ system: 'crm', externalId: evil }))?.id).toBe(record.id);
    await log.interactions.update(record.id, { summary: `${evil} -- again` });
  }
  const after = await snapshot();
  for (const [table, rows] of Object.entries(before)) {
    // Rows that existed before are all still there, unchanged (tables may have grown); only the
    // writing tenant's audit head moves, as it must.
    for (const row of rows) {
      if (/audit_head/.test(table) && row.includes('"inject"')) continue;
      expect(after[table], `${table} lost or changed a row`).toContain(row);
    }
  }
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  expect((await other.customers.list()).items).toHaveLength(1);
  expect((await log.audit.verify()).ok).toBe(true);
  expect(written.length).toBeGreaterThan(4);
}
