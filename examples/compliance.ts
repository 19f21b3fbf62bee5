/**
 * Retention and erasure on an embedded SQLite file: a legal hold, a retention purge, and a
 * customer's right to be forgotten — then proof that the erased name is nowhere in the database
 * files and that the audit chain still verifies.
 *
 *   npx tsx examples/compliance.ts [database-file]
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createTouchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';

const file = process.argv[2] ?? 'compliance-example.db';
for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
const adapter = sqliteAdapter({ filename: file, autoMigrate: true });
const log = createTouchlog({ adapter, tenant: 'acme', actor: 'dpo:anna' });

const { record: person } = await log.customers.record({
  displayName: 'Ingrid Sørensen',
  identifiers: [{ type: 'email', value: 'ingrid@sorensen.example' }],
});
const { record: company } = await log.customers.record({ displayName: 'Contoso Ltd', identifiers: [{ type: 'email', value: 'ap@contoso.example' }] });
for (const [customer, year] of [[person, 2015], [person, 2025], [company, 2014], [company, 2025]] as const) {
  await log.communications.record({
    customer: { id: customer.id },
    channel: 'email',
    direction: 'inbound',
    from: { address: customer.identifiers[0]!.value, name: customer.displayName },
    subject: `Statement question ${year}`,
    body: `Hello, this is ${customer.displayName} asking about our statement.`,
    sentAt: `${year}-03-01T09:00:00Z`,
  });
}

// Contoso is in litigation: nothing of theirs may be deleted.
await log.retention.hold(company.id, { reason: 'litigation 2026-044' });
const purge = await log.retention.purge({ asOf: '2026-06-01T00:00:00Z', policy: { communication: { days: 5 * 365 } } });
console.log(`retention: purged ${purge.purged.communication} message(s) older than 5 years, kept ${purge.held} under legal hold`);

const head = await log.audit.head();
const erased = await log.customers.erase(person.id, { reason: 'GDPR art. 17 request #2026-118' });
console.log(`erasure: ${erased.records} record(s) changed; the customer is now "${erased.customers[0]!.displayName}"`);

const found = ['', '-wal', '-shm'].filter((suffix) => existsSync(file + suffix) && readFileSync(file + suffix).includes('Ingrid Sørensen'));
console.log(`search of the database files for the erased name: ${found.length === 0 ? 'nothing found' : `FOUND in ${found.join(', ')}`}`);
const verification = await log.audit.verify({ against: head! });
console.log(`audit chain: ${verification.ok ? `valid, ${verification.entries} entries` : `BROKEN: ${verification.problem?.message}`}`);
const history = await log.audit.history(person.id);
const erasure = history.items.find((e) => e.action === 'erase')!;
console.log(`the customer's audit history: ${history.items.map((e) => e.action).join(' → ')}; name before the erasure: ${JSON.stringify(erasure.changes.find((c) => c.path === 'displayName')?.before)}`);
await adapter.close();
if (process.argv[2] === undefined) for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
