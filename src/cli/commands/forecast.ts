import { resolveCustomerRef } from '../../interop/customer-ref.js';
import { formatMoney } from '../../models/money.js';
import type { CashForecast } from '../../forecast/cash-forecast.js';
import type { StoredCustomerForecast } from '../../store/forecast-api.js';
import { instantOption, intOption, stringOption, type Command, type CommandContext } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

const minor = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency });
const signed = (n: number | null) => (n === null ? '' : n > 0 ? `+${n}` : String(n));

function printCash(ctx: CommandContext, cash: CashForecast, only: string | undefined): void {
  const unit = cash.granularity === 'week' ? 'week' : 'day';
  ctx.out(`Cash-in forecast as of ${cash.asOf}: ${cash.invoices} open invoices of ${cash.customers} customers, by ${unit}`);
  const currencies = only === undefined ? cash.currencies : cash.currencies.filter((c) => c === only);
  if (currencies.length === 0) {
    ctx.out(only === undefined ? 'Nothing is open: no receipts to forecast.' : `Nothing is open in ${only}.`);
    return;
  }
  for (const currency of currencies) {
    const f = cash.byCurrency[currency]!;
    ctx.out('');
    ctx.out(`${currency}: open ${minor(f.openMinor, currency)} (${minor(f.overdueMinor, currency)} past due), ${minor(f.afterHorizonMinor, currency)} expected after ${f.periods.at(-1)!.to}`);
    const rows = f.periods.map((p) => [
      p.from === p.to ? p.from : `${p.from} – ${p.to}`,
      minor(p.expectedMinor, currency),
      minor(p.lowMinor, currency),
      minor(p.highMinor, currency),
      minor(p.cumulativeExpectedMinor, currency),
    ]);
    for (const line of formatTable(
      [
        { header: 'Period' },
        { header: 'Expected', align: 'right' },
        { header: 'P10', align: 'right' },
        { header: 'P90', align: 'right' },
        { header: 'Cumulative', align: 'right' },
      ],
      rows,
    )) {
      ctx.out(`  ${line}`);
    }
  }
}

function printCustomer(ctx: CommandContext, forecast: StoredCustomerForecast): void {
  const h = forecast.history;
  ctx.out(`${forecast.customer.displayName} (${forecast.customer.id}): expected payments as of ${forecast.asOf}`);
  ctx.out(
    `History: ${h.paidInvoices} paid invoices${h.medianDaysBeyondTerms === null ? '' : `, median ${h.medianDaysBeyondTerms} days beyond terms`}, ` +
      `${h.openInvoices} open; promises kept ${h.promisesKept}/${h.promisesDue}`,
  );
  if (forecast.invoices.length === 0) {
    ctx.out('No open invoices.');
    return;
  }
  ctx.out('');
  const rows = forecast.invoices.map((i) => [
    i.ref,
    minor(i.openMinor, i.currency),
    i.dueOn,
    i.daysPastDue > 0 ? i.daysPastDue : '',
    i.expectedOn,
    `${i.p10On} – ${i.p90On}`,
    i.basis,
    i.reasons.map((r) => `${r.code}${r.effectDays === null ? '' : ` ${signed(r.effectDays)}d`}`).join(', '),
  ]);
  for (const line of formatTable(
    [
      { header: 'Invoice' },
      { header: 'Open', align: 'right' },
      { header: 'Due' },
      { header: 'Days late', align: 'right' },
      { header: 'Expected' },
      { header: 'P10 – P90' },
      { header: 'Basis' },
      { header: 'Reasons (days moved)', max: 80 },
    ],
    rows,
  )) {
    ctx.out(line);
  }
  ctx.out('');
  for (const i of forecast.invoices) {
    ctx.out(`${i.ref}:`);
    for (const r of i.reasons) ctx.out(`  - ${r.message}`);
  }
}

/** `touchlog forecast [<customer>]`: the tenant's cash-in forecast, or one customer's expected payments. */
export const forecastCommand: Command = {
  name: 'forecast',
  summary: "forecast cash-in per week (or a customer's expected payment dates) with a P10–P90 range",
  args: { min: 0, max: 1, names: '[<customer>]' },
  options: {
    'as-of': { type: 'string' },
    weeks: { type: 'string' },
    days: { type: 'boolean' },
    segment: { type: 'string' },
    currency: { type: 'string' },
  },
  help: `touchlog forecast [<customer>] [options]

Without a customer: the cash expected in per currency and calendar week (UTC, Monday first) for
the whole tenant or a segment, with a P10–P90 range. With a customer (id, email:…, phone:…,
system:id): each open invoice's expected payment date, its P10–P90 range and the reasons.
Customers with little history are blended with the tenant's behaviour. See docs/forecast.md.

  --as-of <date>       the day to forecast as of (default: today, UTC)
  --weeks <n>          weeks ahead (default 13, at most 520)
  --days               one period per day instead of per week
  --segment <name>     only customers of this segment (the tenant's behaviour stays tenant-wide)
  --currency <code>    show this currency only`,

  async run(ctx) {
    const asOf = instantOption(ctx.values, 'as-of', () => new Date());
    const weeks = intOption(ctx.values, 'weeks', 13, 520);
    const granularity = ctx.values['days'] === true ? 'day' : 'week';
    const segment = stringOption(ctx.values, 'segment');
    const currency = stringOption(ctx.values, 'currency')?.toUpperCase();
    const ref = ctx.positionals[0];
    if (ref !== undefined && segment !== undefined) throw new UsageError('--segment is for the tenant forecast, not for one customer', 'forecast');
    const { log } = await ctx.openStore(true);
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress, label: 'forecast', unit: 'records' });
    try {
      progress.update(0, undefined, 'reading the tenant’s payment behaviour');
      if (ref !== undefined) {
        const customer = await resolveCustomerRef(log, ref);
        const forecast = await log.forecast.customer(customer.id, { asOf, weeks, granularity });
        progress.stop();
        if (ctx.json) ctx.out(JSON.stringify(forecast));
        else printCustomer(ctx, forecast);
        return EXIT.ok;
      }
      const cash = await log.forecast.cash({ asOf, weeks, granularity, ...(segment !== undefined ? { segment } : {}) });
      progress.stop();
      if (ctx.json) ctx.out(JSON.stringify(cash));
      else printCash(ctx, cash, currency);
      return EXIT.ok;
    } finally {
      progress.stop();
    }
  },
};
