/**
 * Keeping other systems in step with a touchlog on an embedded SQLite file:
 *
 * 1. a webhook dispatcher that delivers the change feed and survives a restart (its cursor is
 *    saved after each delivery, and the second run goes on exactly where the first stopped);
 * 2. a reconciliation of the CRM's case ids against what touchlog holds from the CRM;
 * 3. a restorable backup, restored into a second file, that verifies and has the same head;
 * 4. a mail sync posting messages one at a time, out of order, threaded as they arrive.
 *
 *   npx tsx examples/live-sync.ts [directory]
 */
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTouchlog, type Change, type Touchlog } from 'touchlog';
import { exportRestorable, restoreTenant } from 'touchlog/interop';
import { sqliteAdapter } from 'touchlog/sqlite';

const dir = process.argv[2] ?? 'live-sync-example';
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const open = (file: string) => createTouchlog({ adapter: sqliteAdapter({ filename: join(dir, file), autoMigrate: true }), tenant: 'acme', actor: 'svc:crm-sync' });
const log = open('crm.db');

const { record: customer } = await log.customers.record({ displayName: 'Northwind Traders', identifiers: [{ type: 'email', value: 'ap@northwind.example' }] });
for (const n of [1, 2, 3]) {
  await log.interactions.record({
    customer: { id: customer.id },
    channel: 'phone',
    direction: 'inbound',
    purpose: 'billing_query',
    subject: `Question ${n} about INV-104${n}`,
    occurredAt: `2026-03-0${n}T10:00:00Z`,
    source: { system: 'crm', externalId: `CASE-${n}`, version: 1 },
  });
}

// 1. The dispatcher: delivers what it has not delivered yet, saving its cursor after each change.
const cursorFile = join(dir, 'dispatcher.cursor');
const delivered: Change[] = [];
async function dispatch(touchlog: Touchlog, stopAfter = Infinity): Promise<void> {
  let cursor: string | undefined;
  try {
    cursor = readFileSync(cursorFile, 'utf8');
  } catch {
    cursor = undefined; // first run: from the first change
  }
  for await (const change of touchlog.changes.stream(cursor === undefined ? {} : { after: cursor })) {
    delivered.push(change); // a real dispatcher POSTs it here, with change.seq as its idempotency key
    writeFileSync(cursorFile, change.cursor);
    if (delivered.length >= stopAfter) return; // the process "crashes" here
  }
}
await dispatch(log, 2);
await log.interactions.transition((await log.interactions.getBySource({ system: 'crm', externalId: 'CASE-1' }))!.id, 'resolved');
await dispatch(log); // after the restart: the rest, nothing twice
console.log(`dispatcher: ${delivered.length} changes delivered in order across a restart: ${delivered.map((c) => `#${c.seq} ${c.action} ${c.model}`).join(', ')}`);

// 2. Reconciliation: the CRM says it holds cases 1, 2 (at version 2 now) and 4.
const report = await log.reconcile(['CASE-4', { externalId: 'CASE-2', version: 2 }, 'CASE-1'], { system: 'crm', models: ['interaction'] });
console.log(`reconcile: ${report.inSync ? 'in sync' : 'out of sync'} — ${report.differences.map((d) => `${d.kind} ${d.externalId}${'reason' in d ? ` (${d.reason})` : ''}`).join(', ')}`);

// 3. Backup and restore into another file.
const backup = join(dir, 'acme.restorable.ndjson');
// The export holds the data keys (key material): a file only its owner can read.
await pipeline(Readable.from(exportRestorable(log)), createWriteStream(backup, { mode: 0o600 }));
const copy = open('copy.db');
const restored = await restoreTenant(copy, backup);
const same = JSON.stringify(await copy.audit.head()) === JSON.stringify(await log.audit.head());
console.log(`restore: ${restored.outcome} ${restored.counts.records} records and ${restored.counts.audit} audit entries; copy verifies: ${(await copy.audit.verify()).ok}; same head: ${same}`);
console.log(`restore again: ${(await restoreTenant(copy, backup)).outcome}`);

// 4. A mail sync posts messages one at a time, the latest first: each is threaded as it arrives.
const mail = (key: string, sentAt: string, subject: string, headers: { inReplyTo?: string }) =>
  log.communications.record({
    customer: { id: customer.id },
    channel: 'email',
    direction: 'inbound',
    sentAt,
    subject,
    messageId: `<${key}@northwind.example>`,
    ...headers,
    from: { address: 'ap@northwind.example' },
    to: [{ address: 'billing@seller.example' }],
    source: { system: 'mail', externalId: `${key}@northwind.example` },
  });
const { record: third } = await mail('m3', '2026-03-06T09:00:00Z', 'RE: RE: Freight on INV-1042', { inReplyTo: '<m2@northwind.example>' });
console.log(`threading: m3 arrives first, thread ${third.threadId}`);
await mail('m2', '2026-03-05T09:00:00Z', 'RE: Freight on INV-1042', { inReplyTo: '<m1@northwind.example>' });
await mail('m1', '2026-03-04T09:00:00Z', 'Freight on INV-1042', {});
const moved = await log.communications.get(third.id);
console.log(`threading: after m2 and m1, m3 is in thread ${moved.threadId} (version ${moved.version}, audited: ${(await log.audit.verify()).ok})`);

await log.adapter.close();
await copy.adapter.close();
