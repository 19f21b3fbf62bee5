import { resolveCustomerRef } from '../../interop/customer-ref.js';
import { formatMoney } from '../../models/money.js';
import { plural } from '../../text/plural.js';
import { instantOption, intOption, type Command } from '../context.js';
import { EXIT } from '../errors.js';
import { formatTable } from '../table.js';

const number = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? '—' : value.toFixed(digits));
const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(0)}%`);
const minor = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency });
const days = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${value.toFixed(1)} days`);

/** `touchlog score <customer>`: payment behaviour, interaction signals and the explained risk score. */
export const scoreCommand: Command = {
  name: 'score',
  summary: "show a customer's payment behaviour and risk score, with every factor",
  args: { min: 1, max: 1, names: '<customer>' },
  options: {
    'as-of': { type: 'string' },
    'lookback-days': { type: 'string' },
  },
  help: `touchlog score <customer> [options]

Scores a customer as of a day: PAYDEX-style score, days beyond terms, ageing, DSO, interaction
signals, and a 0–100 risk score (higher is riskier) with a grade A–E and each factor's points.

  --as-of <date>         the day to score as of (default: today, UTC)
  --lookback-days <n>    days of history the scores look at (default 365)`,

  async run(ctx) {
    const asOf = instantOption(ctx.values, 'as-of', () => new Date());
    const lookbackDays = intOption(ctx.values, 'lookback-days', 365, 3650);
    const { log } = await ctx.openStore(true);
    const customer = await resolveCustomerRef(log, ctx.positionals[0]!);
    const score = await log.score.customer(customer.id, { asOf, lookbackDays });
    if (ctx.json) {
      ctx.out(JSON.stringify({ customer: { id: customer.id, displayName: customer.displayName }, asOf: score.payment.asOf, ...score }));
      return EXIT.ok;
    }
    const { payment, signals, risk } = score;
    ctx.out(`${customer.displayName} (${customer.id}) as of ${payment.asOf}`);
    ctx.out('');
    if (risk.available) ctx.out(`Risk: ${risk.score.toFixed(0)}/100, grade ${risk.grade} (higher is riskier)`);
    else ctx.out(`Risk: not available — ${risk.message}`);
    const factors = risk.factors.map((f) => [f.factor, f.evidence ? number(f.value, 2) : '—', f.weight, f.points.toFixed(1), f.explanation]);
    for (const line of formatTable(
      [{ header: 'Factor' }, { header: 'Value', align: 'right' }, { header: 'Weight', align: 'right' }, { header: 'Points', align: 'right' }, { header: 'Explanation', max: 90 }],
      factors,
    )) {
      ctx.out(`  ${line}`);
    }
    ctx.out('');
    const overall = payment.overall;
    if (overall.available) {
      ctx.out(
        `Payment: PAYDEX ${overall.paydex ?? '—'}, ${number(overall.averageDaysBeyondTerms)} days beyond terms on average, ` +
          `${number(overall.averageDaysToPay)} days to pay, ${percent(overall.onTimeShare)} of the amount on time (${plural(overall.invoices, 'invoice')})`,
      );
    } else {
      ctx.out(`Payment: not available — ${overall.message}`);
    }
    for (const [currency, figures] of Object.entries(payment.byCurrency)) {
      const a = figures.ageing;
      ctx.out(
        `  ${currency}: open ${minor(a.total, currency)}, past due ${minor(a.pastDue, currency)} (1–30 ${minor(a.days1to30, currency)}, ` +
          `31–60 ${minor(a.days31to60, currency)}, 61–90 ${minor(a.days61to90, currency)}, 90+ ${minor(a.over90, currency)}), DSO ${days(figures.receivables.dso)}, CEI ${figures.receivables.cei === null ? '—' : `${number(figures.receivables.cei)}%`}`,
      );
    }
    ctx.out(
      `Signals: ${plural(signals.disputes.count, 'dispute')} (${signals.disputes.open} open), ${plural(signals.billingQueries.count, 'billing query', 'billing queries')}, ` +
        `promises kept ${signals.promises.kept}/${signals.promises.due}, ${plural(signals.escalations.count, 'escalation')}`,
    );
    return EXIT.ok;
  },
};
