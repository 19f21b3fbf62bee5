import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createTouchlog, type AdapterTransaction, type StorageAdapter } from 'touchlog';
import { sqliteAdapter } from 'touchlog/sqlite';
import { benchCustomer, CUSTOMERS, writePathInteraction } from './data.js';
const N = Number(process.argv[2] ?? 30000);
const dir = mkdtempSync(join(tmpdir(), 'prof-'));
import Database from 'better-sqlite3';
const db = new Database(join(dir, 'a.db')); if (process.env.CKPT) db.pragma('wal_autocheckpoint = ' + process.env.CKPT);
const inner = sqliteAdapter({ database: db }); await inner.migrate();
const times: Record<string, number> = {};
const timed = <T>(name: string, p: () => Promise<T>) => { const s = process.cpuUsage(); return p().finally(() => { const u = process.cpuUsage(s); times[name] = (times[name] ?? 0) + (u.user + u.system) / 1000; }); };
const adapter: StorageAdapter = Object.assign(Object.create(inner), {
  transaction: <T>(fn: (tx: AdapterTransaction) => Promise<T>) => timed('transaction (all)', () => inner.transaction((tx) => {
    const wrapped = new Proxy(tx, { get: (t, k) => typeof (t as any)[k] === 'function' ? (...a: unknown[]) => timed(String(k), () => (t as any)[k](...a)) : (t as any)[k] });
    return timed('work', () => fn(wrapped));
  })),
});
const log = createTouchlog({ adapter, tenant: 'bench', actor: 'svc:bench' });
await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
for (const k of Object.keys(times)) delete times[k];
const items = Array.from({ length: N }, (_, i) => writePathInteraction(i));
const t0 = performance.now(); const c0 = process.cpuUsage();
for (let a = 0; a < N; a += 1000) await log.interactions.recordMany(items.slice(a, a + 1000));
const total = performance.now() - t0; const cu = process.cpuUsage(c0); console.log('cpu total µs/rec', ((cu.user + cu.system) / N).toFixed(1));
console.log(Math.round(N / (total / 1000)), 'records/s; µs per record:');
console.log('total', (1000 * total / N).toFixed(1));
for (const [k, v] of Object.entries(times).sort((a, b) => b[1] - a[1])) console.log(k.padEnd(22), (1000 * v / N).toFixed(1));
