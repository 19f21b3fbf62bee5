/**
 * Reconciliation in detail (the conformance check 'reconciles a source list…' runs the main
 * cases on every adapter): large unsorted inputs sorted on disk, byte order, the stream form and
 * its summary, truncation, aborts, and what is refused.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTouchlog, sourceDigestOf, type ReconcileDifference, type Touchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { sample, seededRandom, steppingClock } from 'touchlog/testing';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-reconcile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let log: Touchlog;
const STORED = 3000;
const id = (n: number) => `case-${String(n).padStart(7, '0')}`;

beforeAll(async () => {
  log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:reconcile', clock: steppingClock() });
  const { record: customer } = await log.customers.record(sample.customer(1));
  // Cases 0, 2, 4, … 2·(STORED-1) are stored; the source will hold 0 … 2·STORED (every number).
  const inputs = Array.from({ length: STORED }, (_, i) => sample.interaction(customer.id, i, { source: { system: 'crm', externalId: id(2 * i), version: 1 } }));
  for (let i = 0; i < inputs.length; i += 1000) await log.interactions.recordMany(inputs.slice(i, i + 1000));
});

/** A shuffled copy (deterministic). */
function shuffled<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('reconciliation', () => {
  it('sorts an unsorted source of 250 000 ids in private temporary files, and removes them', async () => {
    const spool = join(dir, 'spool');
    await import('node:fs/promises').then((fs) => fs.mkdir(spool));
    const total = 250_000;
    let sawSpool = false;
    async function* source() {
      // Most ids are not stored at all: 0 … 2·STORED come first in sorted order, the rest after.
      for (const n of shuffled(Array.from({ length: total }, (_, i) => i), 7)) yield id(n);
    }
    const report = await log.reconcile(source(), {
      system: 'crm',
      spoolDirectory: spool,
      maxDifferences: 10,
      onProgress: () => {
        if (readdirSync(spool).some((name) => name.startsWith('touchlog-sort-'))) sawSpool = true;
      },
    });
    expect(sawSpool).toBe(true);
    expect(readdirSync(spool)).toEqual([]);
    expect(report).toMatchObject({ listed: total, stored: STORED, matched: STORED, missing: total - STORED, extra: 0, differs: 0, inSync: false, truncated: true });
    expect(report.differences.map((d) => d.externalId)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19].map(id));
  }, 60_000);

  it('streams every difference in external id order and returns the summary last', async () => {
    const run = log.reconcile.stream([id(0), id(1), { externalId: id(2), version: 2 }, id(5999), 'zz'], { system: 'crm', sorted: true, models: ['interaction'] });
    const differences: ReconcileDifference[] = [];
    let next = await run.next();
    for (; !next.done; next = await run.next()) differences.push(next.value);
    expect(differences.map((d) => [d.kind, d.externalId])).toEqual([
      ['missing', id(1)],
      ['differs', id(2)],
      ...Array.from({ length: STORED - 2 }, (_, i) => ['extra', id(2 * (i + 2))]),
      ['missing', id(5999)],
      ['missing', 'zz'],
    ]);
    expect(next.value).toMatchObject({ listed: 5, stored: STORED, matched: 1, missing: 3, extra: STORED - 2, differs: 1, inSync: false, models: ['interaction'] });
  });

  it('orders ids by their UTF-8 bytes, as the adapters do, also when it sorts them itself', async () => {
    const small = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test', clock: steppingClock() });
    const { record: customer } = await small.customers.record(sample.customer(1));
    const ids = ['\u{1F600}', '\uFFFD', 'Z', 'a', 'é'];
    for (const [n, externalId] of ids.entries()) await small.interactions.record(sample.interaction(customer.id, n, { source: { system: 'chat', externalId } }));
    const byBytes = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect((await small.reconcile(byBytes, { system: 'chat', sorted: true })).inSync).toBe(true);
    expect((await small.reconcile([...ids].reverse(), { system: 'chat' })).inSync).toBe(true);
    // JavaScript's own order puts the emoji (a surrogate pair) before U+FFFD: not byte order.
    await expect(small.reconcile([...ids].sort(), { system: 'chat', sorted: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ code: 'unsorted', path: [4, 'externalId'] }] });
  });

  it('compares content by the digest of what the source sent, computed by sourceDigestOf', async () => {
    const small = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test', clock: steppingClock() });
    const { record: customer } = await small.customers.record(sample.customer(1));
    const input = sample.interaction(customer.id, 1, { source: { system: 'crm', externalId: 'CASE-1', version: 4 }, metadata: { b: 1, a: 2 } });
    await small.interactions.record(input);
    // A change made in touchlog after the source's delivery does not change what the source sent.
    await small.interactions.update((await small.interactions.getBySource({ system: 'crm', externalId: 'CASE-1' }))!.id, { summary: 'noted by an agent' });
    const same = sourceDigestOf('interaction', { ...input, metadata: { a: 2, b: 1 } }); // key order does not matter
    expect((await small.reconcile([{ externalId: 'CASE-1', version: 4, digest: same }], { system: 'crm' })).inSync).toBe(true);
    const other = sourceDigestOf('interaction', { ...input, subject: 'Changed at the source' });
    expect((await small.reconcile([{ externalId: 'CASE-1', version: 4, digest: other }], { system: 'crm' })).differences).toEqual([
      { kind: 'differs', externalId: 'CASE-1', model: 'interaction', id: expect.any(String), reason: 'content', sourceVersion: 4, storedVersion: 4 },
    ]);
    expect(() => sourceDigestOf('interaction', { channel: 'fax' })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => sourceDigestOf('auditEntry' as never, {})).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('stops on abort, removes its temporary files when abandoned, and refuses bad input by position', async () => {
    const spool = join(dir, 'abandoned');
    await import('node:fs/promises').then((fs) => fs.mkdir(spool));
    const stop = new AbortController();
    async function* many() {
      for (let n = 150_000; n > 0; n--) yield id(n);
    }
    const run = log.reconcile.stream(many(), { system: 'crm', spoolDirectory: spool, signal: stop.signal });
    await run.next();
    expect(readdirSync(spool)).toHaveLength(1);
    await run.return(undefined as never);
    expect(readdirSync(spool)).toEqual([]);
    stop.abort();
    await expect(log.reconcile(many(), { system: 'crm', signal: stop.signal })).rejects.toMatchObject({ code: 'ABORTED' });

    for (const [source, path] of [
      [[id(1), ''], [1, 'externalId']],
      [[{ externalId: 'x'.repeat(257) }], [0, 'externalId']],
      [[{ externalId: 'a', version: -1 }], [0, 'version']],
      [[{ externalId: 'a', version: 1.5 }], [0, 'version']],
      [[{ externalId: 'a', digest: 'not a digest!' }], [0, 'digest']],
      [[{ externalId: 'a', colour: 'red' }], [0, 'colour']],
      [[42], [0]],
    ] as const) {
      await expect(log.reconcile(source as never, { system: 'crm' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path }] });
    }
    for (const options of [{}, { system: 'CRM' }, { system: 'crm', models: [] }, { system: 'crm', models: ['auditEntry'] }, { system: 'crm', from: 'yesterday' }, { system: 'crm', from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, { system: 'crm', maxDifferences: -1 }]) {
      await expect(log.reconcile([], options as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    await expect(log.reconcile(42 as never, { system: 'crm' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(existsSync(join(dir, 'missing-dir'))).toBe(false);
    await expect(log.reconcile(many(), { system: 'crm', spoolDirectory: join(dir, 'missing-dir') })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: ['spoolDirectory'] }] });
  });
});
