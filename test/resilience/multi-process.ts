/**
 * Several processes writing to the same tenant at once: every update either lands or gets a
 * VERSION_CONFLICT (none is lost), concurrent idempotent recordings of one source record store it
 * once, and the audit chain is one valid chain afterwards.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import { createTouchlog, type StorageAdapter } from 'touchlog';

const root = resolve(import.meta.dirname, '../..');

function runChild(args: string[]): Promise<{ updated: Record<string, number>; conflicts: number; unique: number }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/resilience/concurrent-child.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(out.trim().split('\n').pop()!)) : fail(new Error(`worker exited with ${code}: ${err}`))));
  });
}

export async function checkMultiProcess(
  open: () => StorageAdapter,
  childArgs: (worker: number, rounds: number, ids: string[]) => string[],
  workers = 3,
  rounds = 30,
): Promise<void> {
  const adapter = open();
  await adapter.migrate();
  const log = createTouchlog({ adapter, tenant: 'race', actor: 'seed' });
  const { record: customer } = await log.customers.record({ displayName: 'Race', identifiers: [{ type: 'email', value: 'race@customer.example' }] });
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) {
    ids.push((await log.interactions.record({ customer: { id: customer.id }, channel: 'email', direction: 'inbound', purpose: 'inquiry', subject: `Contended ${i}`, occurredAt: '2026-01-01T00:00:00Z', source: { system: 'seed', externalId: `C-${i}` } })).record.id);
  }
  const results = await Promise.all(Array.from({ length: workers }, (_, w) => runChild(childArgs(w, rounds, ids))));

  // No lost update: each record's version is 1 + every update that was acknowledged.
  let acknowledged = 0;
  for (const id of ids) {
    const landed = results.reduce((sum, r) => sum + (r.updated[id] ?? 0), 0);
    acknowledged += landed;
    expect((await log.interactions.get(id)).version).toBe(1 + landed);
  }
  expect(acknowledged + results.reduce((sum, r) => sum + r.conflicts, 0)).toBe(workers * rounds);
  // No duplicate from concurrent idempotent recordings; every unique record is there.
  const all = [];
  for await (const interaction of log.interactions.stream({ customerId: customer.id })) all.push(interaction);
  expect(all.filter((i) => i.source?.system === 'shared')).toHaveLength(10);
  expect(all.filter((i) => i.source?.system.startsWith('w'))).toHaveLength(workers * rounds);
  // One valid chain with an entry for every acknowledged write.
  const verification = await log.audit.verify();
  expect(verification.ok, verification.problem?.message).toBe(true);
  expect(verification.entries).toBe(1 + ids.length + acknowledged + 10 + workers * rounds);
  await adapter.close();
}
