/**
 * Child process of the crash tests: ingests numbered batches into SQLite or PostgreSQL, forever,
 * printing `ACK <batch>` once each batch has committed. The tests kill it with SIGKILL.
 *
 *   node --import tsx test/helpers/ingest-child.ts sqlite <file> - <first batch> <batch size>
 *   node --import tsx test/helpers/ingest-child.ts postgres <url> <schema> <first batch> <batch size>
 */
import { createTouchlog, type StorageAdapter } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';
import { sqliteAdapter } from 'touchlog/sqlite';

const [kind, target, schema, firstArg, sizeArg] = process.argv.slice(2);
if (!target || firstArg === undefined || sizeArg === undefined) throw new Error('usage: ingest-child <sqlite|postgres> <file|url> <schema|-> <first batch> <batch size>');
const batchSize = Number(sizeArg);
const adapter: StorageAdapter =
  kind === 'postgres' ? postgresAdapter({ connectionString: target, schema: schema!, maxConnections: 2 }) : sqliteAdapter({ filename: target, autoMigrate: true });
const log = createTouchlog({ adapter, tenant: 'crash', actor: 'crash-test' });
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
