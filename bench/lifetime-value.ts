/**
 * Lifetime-value fits on a large cohort: BG/NBD and Gamma-Gamma maximum likelihood over N
 * customers drawn from the CDNOW parameters, then CLV for every customer.
 *
 * Like the store's summaries, tₓ and T are whole days expressed in weeks (periodDays 7), over a
 * 39-week calibration with first purchases spread over its first 12 weeks, as in CDNOW. The fit
 * reads the cohort once into typed arrays (24 bytes a customer plus its spend); the figure to
 * compare with CDNOW's 2,357-customer fit is the time per customer.
 *
 *   npm run bench:lifetime-value [-- --customers 1000000]
 */
import { createLifetimeValuer, fitBgNbd, fitGammaGamma } from '../src/index.js';
import { simulateCustomerBase } from '../src/testing/index.js';
import { argNumber, printTable } from './util.js';

const n = argNumber('customers', 1_000_000);
const truth = { bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, gammaGamma: { p: 6.25, q: 3.74, v: 15.44 } };

const mb = () => process.memoryUsage().heapUsed / 1024 / 1024;
const heapBefore = mb();
let started = performance.now();
// Joined on one of the first 84 days; calibration ends on day 273 (39 weeks).
const cohort = simulateCustomerBase({ customers: n, T: (i) => (273 - (i % 84)) / 7, ...truth, seed: 42 });
for (let i = 0; i < n; i++) cohort.tx[i] = Math.floor(cohort.tx[i]! * 7) / 7; // whole days, as from the store
const simulated = performance.now() - started;

started = performance.now();
const bg = fitBgNbd(
  (function* () {
    for (let i = 0; i < n; i++) yield { x: cohort.x[i]!, tx: cohort.tx[i]!, T: cohort.T[i]! };
  })(),
);
const bgMs = performance.now() - started;
started = performance.now();
const gg = fitGammaGamma(
  (function* () {
    for (let i = 0; i < n; i++) yield { x: cohort.x[i]!, meanValue: Math.round(cohort.meanValue[i]! * 100) / 100 };
  })(),
);
const ggMs = performance.now() - started;
if (!bg.available || !gg.available) throw new Error(`a fit is unavailable: ${JSON.stringify({ bg, gg })}`);

started = performance.now();
const value = createLifetimeValuer({ bgNbd: bg.parameters, gammaGamma: gg.parameters }, { margin: 0.3, annualDiscountRate: 0.1, horizonMonths: 12, asOf: '1997-09-30' });
let total = 0;
for (let i = 0; i < n; i++) {
  const clv = value({ x: cohort.x[i]!, tx: cohort.tx[i]!, T: cohort.T[i]!, meanValue: cohort.meanValue[i]! });
  if (clv.available) total += clv.value;
}
const clvMs = performance.now() - started;
const fmt = (p: Record<string, number>) => Object.entries(p).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');

printTable(`lifetime value on ${n.toLocaleString('en-US')} customers (node ${process.version}, ${process.platform} ${process.arch})`, [
  ['simulate the cohort', `${(simulated / 1000).toFixed(1)} s`],
  ['BG/NBD fit', `${(bgMs / 1000).toFixed(1)} s (${bg.evaluations} likelihood evaluations, warm start on a sample included)`],
  ['  parameters (truth 0.243, 4.414, 0.793, 2.426)', fmt(bg.parameters as unknown as Record<string, number>)],
  ['Gamma-Gamma fit', `${(ggMs / 1000).toFixed(1)} s (${gg.customers.toLocaleString('en-US')} repeat customers, ${gg.evaluations} evaluations)`],
  ['  parameters (truth 6.25, 3.74, 15.44)', fmt(gg.parameters as unknown as Record<string, number>)],
  ['CLV of every customer (12 months)', `${(clvMs / 1000).toFixed(1)} s (${((clvMs * 1e6) / n).toFixed(0)} ns a customer); mean ${(total / n).toFixed(2)}`],
  ['heap growth', `${(mb() - heapBefore).toFixed(0)} MiB`],
]);
