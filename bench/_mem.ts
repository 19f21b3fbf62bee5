import { createTouchlog } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { benchCustomer, CUSTOMERS, writePathInteraction } from './data.js';
const N = Number(process.argv[2] ?? 30000);
const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'bench', actor: 'svc:bench' });
await log.customers.recordMany(Array.from({ length: CUSTOMERS }, (_, n) => benchCustomer(n)));
const items = Array.from({ length: N }, (_, i) => writePathInteraction(i));
for (let round = 0; round < 2; round++) {
  const c = process.cpuUsage(); const t0 = performance.now();
  for (let a = round * N / 2; a < (round + 1) * N / 2; a += 1000) await log.interactions.recordMany(items.slice(a, a + 1000));
  const u = process.cpuUsage(c);
  console.log('round', round, 'µs CPU per record', ((u.user + u.system) / (N / 2)).toFixed(1), 'wall', (1000 * (performance.now() - t0) / (N / 2)).toFixed(1));
}
