/**
 * Child process of sqlite-crash.test.ts: ingests numbered batches into a SQLite file, forever,
 * printing `ACK <batch>` once each batch has committed. The test kills it with SIGKILL.
 *
 *   node --import tsx test/reliability/sqlite-ingest-child.ts <file> <first batch> <batch size>
 */
import { createTouchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';

const [filename, firstArg, sizeArg] = process.argv.slice(2);
if (!filename || firstArg === undefined || sizeArg === undefined) throw new Error('usage: sqlite-ingest-child <file> <first batch> <batch size>');
const batchSize = Number(sizeArg);

const log = createTouchlog({ adapter: sqliteAdapter({ filename, autoMigrate: true }), tenant: 'crash', actor: 'crash-test' });
// Idempotent: the first run creates the customer, later runs find it by its source key.
const { record: customer } = await log.customers.record({ displayName: 'Crash Test Customer', source: { system: 'crm', externalId: 'ACC-1' } });

for (let batch = Number(firstArg); ; batch++) {
  await log.interactions.recordMany(
    Array.from({ length: batchSize }, (_, item) => ({
      customer: { id: customer.id },
      channel: 'email' as const,
      direction: 'inbound' as const,
      purpose: 'billing_query' as const,
      subject: `Batch ${batch}, item ${item}`,
      summary: 'A question about an invoice, long enough to spread a batch over several database pages. '.repeat(4),
      occurredAt: new Date(Date.UTC(2026, 0, 1) + batch * 60_000 + item),
      source: { system: 'crash', externalId: `B${batch}-I${item}` },
      links: [{ kind: 'invoice' as const, ref: `INV-${batch}` }],
    })),
  );
  process.stdout.write(`ACK ${batch}\n`);
}
