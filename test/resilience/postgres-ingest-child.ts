/**
 * Child process of postgres-crash.test.ts: ingests numbered batches into a PostgreSQL schema,
 * forever, printing `ACK <batch>` once each batch has committed. The test kills it with SIGKILL.
 *
 *   node --import tsx test/resilience/postgres-ingest-child.ts <url> <schema> <first batch> <batch size>
 */
import { createTouchlog } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';

const [url, schema, firstArg, sizeArg] = process.argv.slice(2);
const batchSize = Number(sizeArg);
const log = createTouchlog({ adapter: postgresAdapter({ connectionString: url!, schema: schema!, maxConnections: 2 }), tenant: 'crash', actor: 'crash-test' });
const { record: customer } = await log.customers.record({ displayName: 'Crash Test Customer', source: { system: 'crm', externalId: 'ACC-1' } });

for (let batch = Number(firstArg); ; batch++) {
  await log.interactions.recordMany(
    Array.from({ length: batchSize }, (_, item) => ({
      customer: { id: customer.id },
      channel: 'email' as const,
      direction: 'inbound' as const,
      purpose: 'billing_query' as const,
      subject: `Batch ${batch}, item ${item}`,
      summary: 'A question about an invoice, long enough to make a batch take a while to write. '.repeat(4),
      occurredAt: new Date(Date.UTC(2026, 0, 1) + batch * 60_000 + item),
      source: { system: 'crash', externalId: `B${batch}-I${item}` },
    })),
  );
  process.stdout.write(`ACK ${batch}\n`);
}
