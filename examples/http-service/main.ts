/**
 * Runs the example HTTP service on an SQLite file, with a browser page at /.
 *
 *   npm run example:http                      # examples/http-service/example.db, seeded on first run
 *   npm run example:http -- --port 8080 --db crm.db --tenant acme --as-of 2026-06-01
 *
 * On an empty database it first loads a small demo data set (a dozen customers from a CRM, an ERP,
 * a mail server and a phone system), so that there is something to look at.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createTouchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';
import { generateDemoDataset } from 'touchlog/testing';
import { createService } from './service.js';

const { values } = parseArgs({
  options: {
    // Beside this file, wherever the example is run from (or copied to).
    db: { type: 'string', default: fileURLToPath(new URL('./example.db', import.meta.url)) },
    port: { type: 'string', default: process.env['PORT'] ?? '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    tenant: { type: 'string', default: 'example' },
    'as-of': { type: 'string' },
  },
});

const adapter = sqliteAdapter({ filename: values.db! });
await adapter.migrate();
const log = createTouchlog({ adapter, tenant: values.tenant!, actor: 'svc:http-example' });

let asOf = values['as-of'];
if ((await log.customers.list({ limit: 1 })).items.length === 0) {
  const dataset = generateDemoDataset({ customers: 12, months: 12 });
  const report = await log.ingest(dataset.items, { batchSize: 1000 });
  const customers = dataset.customers.length;
  console.log(`seeded ${values.db} with ${report.created} demo records for ${customers} ${customers === 1 ? 'customer' : 'customers'}`);
  asOf ??= dataset.asOf.slice(0, 10);
}
asOf ??= '2026-11-01';

const server = createService({ log, asOf });
server.listen(Number(values.port), values.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  console.log(`touchlog example service on http://${values.host}:${port}/ (scores as of ${asOf}; Ctrl-C to stop)`);
  console.log(`  try http://${values.host}:${port}/api/customers?q=a and open a customer in the page`);
});

const stop = () => {
  server.close(() => {
    adapter.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  server.closeAllConnections();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
