import { describe, expect, it } from 'vitest';
import { createTouchlog, type AuditRow, type StorageAdapter } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, steppingClock } from 'touchlog/testing';
import { wrapAdapter } from '../helpers/wrap-adapter.js';

/** A memory adapter whose stored audit rows can be altered the way an attacker with database access would. */
function tamperable() {
  const inner = memoryAdapter();
  let tamper: (rows: AuditRow[]) => AuditRow[] = (rows) => rows;
  const adapter: StorageAdapter = wrapAdapter(inner, {
    reader: {
      // Tampering applies to the stored chain as a whole, then the page the caller asked for is cut from it.
      readAudit: (read) => async (tenant, query) => {
        const all = tamper(await read(tenant, { limit: 1_000_000 }));
        return all.filter((row) => query.afterSeq === undefined || row.seq > query.afterSeq).slice(0, query.limit);
      },
    },
  });
  return { adapter, setTamper: (fn: typeof tamper) => (tamper = fn) };
}

async function seeded(count: number) {
  const { adapter, setTamper } = tamperable();
  const log = createTouchlog({ adapter, tenant: 'acme', actor: 'svc:test', clock: steppingClock() });
  const { record: customer } = await log.customers.record(sample.customer(1));
  for (let n = 1; n < count; n++) await log.interactions.record(sample.interaction(customer.id, n));
  return { log, setTamper };
}

const clone = (rows: AuditRow[]) => rows.map((row) => ({ ...row }));
/** A stored entry with `change` applied to its JSON. */
const edited = (row: AuditRow, change: (entry: Record<string, unknown>) => Record<string, unknown>): AuditRow => ({
  ...row,
  entry: JSON.stringify(change(JSON.parse(row.entry) as Record<string, unknown>)),
});

describe('audit chain tampering', () => {
  it('verifies an intact chain, with and without a saved head', async () => {
    const { log } = await seeded(10);
    const head = await log.audit.head();
    expect(head?.seq).toBe(10);
    expect(await log.audit.verify()).toEqual({ ok: true, entries: 10, head, records: { checked: 10, unbound: 0 } });
    expect(await log.audit.verify({ records: false })).toEqual({ ok: true, entries: 10, head });
    expect((await log.audit.verify({ against: head! })).ok).toBe(true);
  });

  it('names an entry whose field was changed', async () => {
    const { log, setTamper } = await seeded(10);
    setTamper((rows) => clone(rows).map((row) => (row.seq === 4 ? edited(row, (entry) => ({ ...entry, actor: 'someone-else' })) : row)));
    expect((await log.audit.verify()).problem).toMatchObject({ seq: 4, kind: 'changed' });
  });

  it('names an entry whose hash was recomputed after a change (the next link breaks)', async () => {
    const { log, setTamper } = await seeded(10);
    const { encodeEntry } = await import('../../src/audit/chain.js');
    setTamper((rows) =>
      clone(rows).map((row) => {
        if (row.seq !== 6) return row;
        // The forger re-encodes entry 6 by the library's own rule, with its original predecessor.
        const { v: _v, seq, prevHash, hash: _hash, ...entry } = { ...(JSON.parse(row.entry) as Record<string, unknown>), actor: 'forger' } as Record<string, unknown>;
        return { ...row, entry: encodeEntry('acme', entry as never, seq as number, prevHash as string).text };
      }),
    );
    expect((await log.audit.verify()).problem).toMatchObject({ seq: 7, kind: 'inserted' });
  });

  it('names a deleted entry', async () => {
    const { log, setTamper } = await seeded(10);
    setTamper((rows) => rows.filter((row) => row.seq !== 5));
    expect((await log.audit.verify()).problem).toMatchObject({ seq: 5, kind: 'removed', message: 'entry 5 is missing' });
  });

  it('names two swapped entries', async () => {
    const { log, setTamper } = await seeded(10);
    setTamper((rows) => {
      const out = clone(rows);
      [out[2], out[3]] = [out[3]!, out[2]!];
      return out;
    });
    expect((await log.audit.verify()).problem).toMatchObject({ seq: 3, kind: 'reordered' });
  });

  it('names an entry stored under another position', async () => {
    const { log, setTamper } = await seeded(10);
    setTamper((rows) => {
      const out = clone(rows);
      const third = out[2]!.entry;
      out[2] = { ...out[2]!, entry: out[3]!.entry };
      out[3] = { ...out[3]!, entry: third };
      return out;
    });
    expect((await log.audit.verify()).problem).toMatchObject({ seq: 3, kind: 'reordered' });
  });

  it('names a cut-off tail by the stored head', async () => {
    const { log, setTamper } = await seeded(10);
    setTamper((rows) => rows.filter((row) => row.seq <= 7));
    const result = await log.audit.verify();
    expect(result.problem).toMatchObject({ seq: 8, kind: 'truncated' });
    expect(result.problem?.message).toBe('entries 8 to 10 (in the stored head of the chain) are missing: the end of the chain was cut off');
  });

  it('refuses a chain copied from another tenant', async () => {
    const { log, setTamper } = await seeded(3);
    const other = await seeded(3);
    const foreign = await other.log.adapter.readAudit('acme', { limit: 10 });
    setTamper(() => foreign.map((row) => structuredClone(row)));
    // Same tenant name, so the copy verifies; a different tenant's chain must not.
    const renamed = createTouchlog({ adapter: log.adapter, tenant: 'globex', actor: 'x' });
    expect((await renamed.audit.verify()).problem).toMatchObject({ seq: 1, kind: 'changed' });
  });
});

describe('sealed personal values', () => {
  it('read back exactly for every entry of a batch sharing one key stream', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'svc:test', clock: steppingClock() });
    const { record: customer } = await log.customers.record(sample.customer(1));
    const subjects = Array.from({ length: 40 }, (_, i) => `Subject ${i} ${'ü'.repeat(i * 3)} 🙂`);
    const revision = (version: number, subject: (i: number) => string) =>
      subjects.map((_, i) => sample.interaction(customer.id, i, { subject: subject(i), source: { system: 'crm', externalId: `CASE-${i}`, version } }));
    await log.interactions.recordMany(revision(1, (i) => `First ${i}`));
    // One transaction of 40 updates: every entry takes its stretch of the customer's key stream.
    const results = await log.interactions.recordMany(revision(2, (i) => subjects[i]!));
    for (const [i, { record }] of results.entries()) {
      const [, updated] = (await log.audit.history(record.id)).items;
      expect(updated!.changes.find((c) => c.path === 'subject')).toEqual({ path: 'subject', before: `First ${i}`, after: subjects[i] });
    }
    const stored = JSON.stringify(await log.adapter.readAudit('acme', { limit: 100 }));
    expect(stored).not.toContain('Subject 7');
    expect(stored).not.toContain('First 7');
  });
});
