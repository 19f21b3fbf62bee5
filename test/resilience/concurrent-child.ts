/**
 * Child process of multi-process.test.ts: updates shared records with `expectedVersion`, records
 * shared source records (idempotent) and unique ones, against SQLite or PostgreSQL, and prints what
 * it achieved as one JSON line.
 *
 *   node --import tsx test/resilience/concurrent-child.ts <sqlite|postgres> <file|url> <schema> <worker> <rounds> <ids,...>
 */
import { createTouchlog, isTouchlogError, type StorageAdapter } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';
import { sqliteAdapter } from 'touchlog/sqlite';

const [kind, target, schema, worker, roundsArg, idList] = process.argv.slice(2);
const adapter: StorageAdapter =
  kind === 'sqlite' ? sqliteAdapter({ filename: target!, busyTimeoutMs: 30_000 }) : postgresAdapter({ connectionString: target!, schema: schema!, maxConnections: 3 });
const log = createTouchlog({ adapter, tenant: 'race', actor: `worker:${worker}` });
const ids = idList!.split(',');
const updated: Record<string, number> = {};
let conflicts = 0;
let unique = 0;
let seed = Number(worker) * 7919;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

const customer = (await log.customers.resolve({ type: 'email', value: 'race@customer.example' }))!;
for (let round = 0; round < Number(roundsArg); round++) {
  const id = ids[Math.floor(random() * ids.length)]!;
  const current = await log.interactions.get(id);
  try {
    await log.interactions.update(id, { summary: `worker ${worker} round ${round}` }, { expectedVersion: current.version });
    updated[id] = (updated[id] ?? 0) + 1;
  } catch (error) {
    if (!isTouchlogError(error, 'VERSION_CONFLICT')) throw error;
    conflicts++;
  }
  const shared = round % 10;
  await log.interactions.record({
    customer: { id: customer.id },
    channel: 'chat',
    direction: 'inbound',
    purpose: 'inquiry',
    subject: `Shared ${shared}`,
    occurredAt: new Date(Date.UTC(2026, 0, 1, 0, shared)),
    source: { system: 'shared', externalId: `S-${shared}` },
  });
  await log.interactions.record({
    customer: { id: customer.id },
    channel: 'chat',
    direction: 'inbound',
    purpose: 'inquiry',
    subject: `Worker ${worker} ${round}`,
    occurredAt: new Date(Date.UTC(2026, 1, 1) + Number(worker) * 1_000_000 + round * 1000),
    source: { system: `w${worker}`, externalId: `U-${round}` },
  });
  unique++;
}
await adapter.close();
process.stdout.write(`${JSON.stringify({ updated, conflicts, unique })}\n`);
