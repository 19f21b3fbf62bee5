/**
 * Durability under SIGKILL: a child process ingests batches into a SQLite file and acknowledges
 * each committed batch; it is killed at random moments, again and again. After every kill the
 * file is reopened: every acknowledged batch is complete, no batch is partial, and the audit
 * chain verifies.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';

const root = resolve(import.meta.dirname, '../..');
const child = join(import.meta.dirname, '../helpers/ingest-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KILLS = 22;
const BATCH_SIZE = 25;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs the child from batch `first`, kills it with SIGKILL at a random moment, and returns the batches it acknowledged. */
async function runAndKill(filename: string, first: number, random: () => number): Promise<number[]> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, 'sqlite', filename, '-', String(first), String(BATCH_SIZE)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: number[] = [];
  let stderr = '';
  let buffered = '';
  let sawAck!: () => void;
  const firstAck = new Promise<void>((done) => (sawAck = done));
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const match = /^ACK (\d+)$/.exec(line);
      if (match) {
        acked.push(Number(match[1]));
        sawAck();
      }
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => proc.on('exit', (code, signal) => done({ code, signal })));
  // Mostly mid-ingest (some batches in, one in flight); sometimes while it starts, opens and migrates.
  if (random() < 0.2) await sleep(random() * 1_800);
  else {
    await Promise.race([firstAck, exited]);
    await sleep(random() * 200);
  }
  proc.kill('SIGKILL');
  const { signal, code } = await exited;
  if (signal !== 'SIGKILL') throw new Error(`the child exited on its own (code ${code}): ${stderr}`);
  return acked;
}

/** Interactions stored per batch, read with a plain connection (independent of the adapter). */
function batchesOnDisk(filename: string): Map<number, number> {
  if (!existsSync(filename)) return new Map(); // killed before it opened the file
  const db = new Database(filename, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const hasTable = db.prepare(`select 1 from sqlite_master where name = 'touchlog_records'`).get();
    const rows = hasTable
      ? (db.prepare(`select source_external_id from touchlog_records where tenant_id = 'crash' and collection = 'interactions'`).all() as Array<{ source_external_id: string }>)
      : [];
    const counts = new Map<number, number>();
    for (const { source_external_id } of rows) {
      const batch = Number(/^B(\d+)-I\d+$/.exec(source_external_id)![1]);
      counts.set(batch, (counts.get(batch) ?? 0) + 1);
    }
    return counts;
  } finally {
    db.close();
  }
}

/**
 * One lane: a database file, and a child killed `kills` times on it. Returns how many batches
 * were acknowledged and how many runs were killed after acknowledging at least one.
 */
async function lane(filename: string, kills: number, seed: number): Promise<{ acknowledged: number; killedMidIngest: number }> {
  let state = seed;
  const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
  const acknowledged = new Set<number>();
  let next = 0;
  let killedMidIngest = 0;
  for (let round = 0; round < kills; round++) {
    const acked = await runAndKill(filename, next, random);
    for (const batch of acked) acknowledged.add(batch);
    const onDisk = batchesOnDisk(filename);
    for (const batch of acknowledged) expect(onDisk.get(batch), `acknowledged batch ${batch} (seed ${seed})`).toBe(BATCH_SIZE);
    for (const [batch, count] of onDisk) expect(count, `batch ${batch} is partial (seed ${seed})`).toBe(BATCH_SIZE);
    if (acked.length > 0) killedMidIngest++;
    next = Math.max(next, ...onDisk.keys()) + 1;

    // Migrates a file the child did not get to migrate (the schema is then simply empty).
    const adapter = sqliteAdapter({ filename, autoMigrate: true });
    try {
      const log = createTouchlog({ adapter, tenant: 'crash', actor: 'verifier' });
      const verification = await log.audit.verify();
      expect(verification.ok, `${verification.problem?.message} (seed ${seed})`).toBe(true);
      const stored = [...onDisk.values()].reduce((sum, count) => sum + count, 0);
      // One entry for the customer, one per stored interaction (none if no run got to write anything).
      expect(verification.entries).toBe(stored === 0 && verification.entries === 0 ? 0 : stored + 1);
    } finally {
      await adapter.close();
    }
  }
  return { acknowledged: acknowledged.size, killedMidIngest };
}

describe('sqlite under SIGKILL', () => {
  it(`keeps every acknowledged batch whole and never a partial one, across ${KILLS} kills`, async () => {
    const seed = Date.now() % 100_000;
    // Two files, two children at a time: the kills are independent, and start-up time halves.
    const lanes = await Promise.all([0, 1].map((n) => lane(join(dir, `crash-${n}.db`), Math.ceil(KILLS / 2), seed + n)));
    const acknowledged = lanes.reduce((sum, l) => sum + l.acknowledged, 0);
    const killedMidIngest = lanes.reduce((sum, l) => sum + l.killedMidIngest, 0);
    expect(acknowledged).toBeGreaterThan(KILLS);
    expect(killedMidIngest).toBeGreaterThan(KILLS / 2);
  }, 180_000);
});
