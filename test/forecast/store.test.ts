/**
 * `log.forecast` on a memory store: the same results as the pure functions on the same facts, in
 * bounded reads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  backtest,
  cashForecast,
  createCashForecast,
  createForecastApi,
  createPaymentPrior,
  createTouchlog,
  expectedPayments,
  invoiceRowsFromHistory,
  isTouchlogError,
  type RecordQuery,
} from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { wrapAdapter } from '../helpers/wrap-adapter.js';
import { storedReceivables, type StoredReceivables } from './store-data.js';

const AS_OF = '2026-03-31';
let s: StoredReceivables;
const queries: RecordQuery[] = [];

beforeAll(async () => {
  const adapter = wrapAdapter(memoryAdapter(), {
    reader: {
      listRecords: (inner) => async (tenant, query) => {
        queries.push(query);
        return inner(tenant, query);
      },
    },
  });
  s = await storedReceivables({ customers: 30, seed: 21 }, adapter);
}, 120_000);

describe('log.forecast', () => {
  it('builds the tenant prior as the pure builder does from the same histories', async () => {
    const pure = createPaymentPrior({ asOf: AS_OF });
    for (const history of s.histories.values()) pure.add(history);
    expect(await s.log.forecast.prior({ asOf: AS_OF })).toEqual(pure.result());
  });

  it('forecasts one customer exactly as expectedPayments does, reasons included', async () => {
    const prior = await s.log.forecast.prior({ asOf: AS_OF });
    for (const key of [...s.histories.keys()].slice(0, 6)) {
      const stored = await s.log.forecast.customer(s.ids.get(key)!, { asOf: AS_OF, prior, weeks: 6 });
      const { customer, ...forecast } = stored;
      expect(customer).toEqual({ id: s.ids.get(key), displayName: `Customer ${key}` });
      expect(forecast).toEqual(expectedPayments(s.histories.get(key)!, { asOf: AS_OF, prior, weeks: 6 }));
    }
    // Without a prior it reads the tenant's: the same answer.
    const key = [...s.histories.keys()][0]!;
    expect(await s.log.forecast.customer(s.ids.get(key)!, { asOf: AS_OF, weeks: 6 })).toEqual(await s.log.forecast.customer(s.ids.get(key)!, { asOf: AS_OF, weeks: 6, prior }));
  });

  it('gives the tenant’s cash-in forecast as the pure functions do, reading one customer at a time', async () => {
    queries.length = 0;
    const cash = await s.log.forecast.cash({ asOf: AS_OF, weeks: 8, customersPerChunk: 4, pageSize: 25 });
    expect(cash).toEqual(cashForecast([...s.histories.values()], { asOf: AS_OF, weeks: 8 }));
    expect(cash.byCurrency.USD!.openMinor).toBeGreaterThan(0);
    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) {
      expect(query.limit).toBeLessThanOrEqual(query.collection === 'customers' ? 4 : 25);
      expect(query.filter.customerIds?.length ?? 0).toBeLessThanOrEqual(1);
    }
    expect(queries.filter((q) => q.collection === 'customers').length).toBeGreaterThanOrEqual(Math.ceil(s.histories.size / 4));
  });

  it('forecasts a segment or some customers against the whole tenant’s behaviour', async () => {
    const prior = await s.log.forecast.prior({ asOf: AS_OF });
    const keys = [...s.histories.keys()].filter((k) => s.segments.get(k) === 'enterprise');
    const expected = createCashForecast({ asOf: AS_OF, weeks: 4 });
    for (const k of keys) expected.add(expectedPayments(s.histories.get(k)!, { asOf: AS_OF, weeks: 4, prior, explain: false }));
    expect(await s.log.forecast.cash({ asOf: AS_OF, weeks: 4, segment: 'enterprise' })).toEqual(expected.result());
    const two = keys.slice(0, 2).map((k) => s.ids.get(k)!);
    const streamed = [];
    for await (const { customer, forecast } of s.log.forecast.invoices({ asOf: AS_OF, customerIds: two, prior })) streamed.push([customer.id, forecast.invoices.length]);
    expect(streamed.map(([id]) => id).sort()).toEqual([...two].sort());
  });

  it('backtests the stored history as the pure backtest does on the same rows', async () => {
    const knownAt = '2026-07-31';
    const rows = [...s.histories].flatMap(([key, history]) => invoiceRowsFromHistory(s.ids.get(key)!, history, { asOf: knownAt }));
    const report = await s.log.forecast.backtest({ knownAt });
    expect(report).toEqual(backtest(rows));
    expect(report.ratios.toDueDate).toBeLessThan(0.6);
    // A dispute counts from the day it was opened, not before.
    expect(rows.find((r) => r.disputed)).toMatchObject({ disputedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it('says NOT_FOUND for an unknown customer, and VALIDATION_FAILED for a missing asOf', async () => {
    await expect(s.log.forecast.customer('01J00000000000000000000000', { asOf: AS_OF })).rejects.toSatisfy((e) => isTouchlogError(e, 'NOT_FOUND'));
    await expect(s.log.forecast.cash({} as never)).rejects.toSatisfy((e) => isTouchlogError(e, 'VALIDATION_FAILED'));
    await expect(s.log.forecast.cash({ asOf: AS_OF, customersPerChunk: 0 })).rejects.toSatisfy((e) => isTouchlogError(e, 'VALIDATION_FAILED'));
  });

  it('is also createForecastApi(log), for a touchlog built elsewhere', async () => {
    const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'empty', actor: 'svc:test' });
    const cash = await createForecastApi(log).cash({ asOf: AS_OF });
    expect(cash).toMatchObject({ customers: 0, invoices: 0, currencies: [] });
  });
});
