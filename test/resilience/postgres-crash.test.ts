/**
 * Durability under SIGKILL on PostgreSQL: a child process ingests batches and acknowledges each
 * committed one; it is killed at random moments, 20 times and more. After every kill: every
 * acknowledged batch is complete, no batch is partial, and the audit chain verifies.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { postgresAdapter } from 'touchlog/postgres';
import { adminQuery, dropSchemas, freshSchema, postgresUrl } from '../helpers/postgres.js';

const root = resolve(import.meta.dirname, '../..');
const schemas = [freshSchema('crash'), freshSchema('crash')];
afterAll(() => dropSchemas(schemas));

const KILLS = 20;
const BATCH_SIZE = 25;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function runAndKill(url: string, schema: string, first: number, random: () => number): Promise<number[]> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/ingest-child.ts', 'postgres', url, schema, String(first), String(BATCH_SIZE)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let stderr = '';
  let sawAck!: () => void;
  const firstAck = new Promise<void>((done) => (sawAck = done));
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const match of chunk.matchAll(/ACK (\d+)\n/g)) {
      acked.push(Number(match[1]));
      sawAck();
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | null>((done) => proc.on('exit', (_code, signal) => done(signal)));
  await Promise.race([firstAck, exited]);
  await sleep(random() * 300);
  proc.kill('SIGKILL');
  if ((await exited) !== 'SIGKILL') throw new Error(`the child exited on its own: ${stderr}`);
  return acked;
}

async function batchesStored(schema: string): Promise<Map<number, number>> {
  const rows = await adminQuery<{ source_external_id: string }>(
    `select source_external_id from "${schema}".touchlog_records where tenant_id = 'crash' and collection = 'interactions'`,
  );
  const counts = new Map<number, number>();
  for (const { source_external_id } of rows.rows) {
    const batch = Number(/^B(\d+)-I\d+$/.exec(source_external_id)![1]);
    counts.set(batch, (counts.get(batch) ?? 0) + 1);
  }
  return counts;
}

/** One lane: a schema, and a child killed `kills` times on it. Returns the batches acknowledged. */
async function lane(url: string, schema: string, kills: number, seed: number): Promise<number> {
  const setup = postgresAdapter({ connectionString: url, schema });
  await setup.migrate();
  await setup.close();
  let state = seed;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const acknowledged = new Set<number>();
  let next = 0;
  for (let round = 0; round < kills; round++) {
    for (const batch of await runAndKill(url, schema, next, random)) acknowledged.add(batch);
    // The killed backend's transaction is rolled back by the server; wait until it is gone.
    for (let i = 0; i < 50; i++) {
      const { rows } = await adminQuery<{ n: string }>(`select count(*) as n from pg_stat_activity where state like 'idle in transaction%' and datname = current_database()`);
      if (Number(rows[0]!.n) === 0) break;
      await sleep(100);
    }
    const stored = await batchesStored(schema);
    for (const batch of acknowledged) expect(stored.get(batch), `acknowledged batch ${batch} (seed ${seed})`).toBe(BATCH_SIZE);
    for (const [batch, count] of stored) expect(count, `batch ${batch} is partial (seed ${seed})`).toBe(BATCH_SIZE);
    next = Math.max(next, ...stored.keys()) + 1;
  }
  const adapter = postgresAdapter({ connectionString: url, schema });
  try {
    const verification = await createTouchlog({ adapter, tenant: 'crash', actor: 'verifier' }).audit.verify();
    expect(verification.ok, verification.problem?.message).toBe(true);
    const total = [...(await batchesStored(schema)).values()].reduce((a, b) => a + b, 0);
    expect(verification.entries).toBe(total + 1);
  } finally {
    await adapter.close();
  }
  return acknowledged.size;
}

it(`PostgreSQL keeps every acknowledged batch whole and never a partial one, across ${KILLS} kills`, async () => {
  const url = postgresUrl();
  const seed = Date.now() % 100_000;
  // Two schemas, two children at a time: independent kills, half the wall time.
  const acknowledged = await Promise.all(schemas.map((schema, n) => lane(url, schema, KILLS / 2, seed + n)));
  expect(acknowledged.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(KILLS);
}, 300_000);
