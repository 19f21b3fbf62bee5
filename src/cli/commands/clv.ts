import type { CohortPayback } from '../../lifetime-value/cac-payback.js';
import { formatMoney, moneyFromDecimal } from '../../models/money.js';
import type { TenantLifetimeValue } from '../../store/lifetime-value-api.js';
import { instantOption, intOption, stringOption, type Command, type CommandContext, type OptionValues } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

/** A number option within bounds: a share (0.3) or a percentage (30%). */
function shareOption(values: OptionValues, name: string, required: boolean): number | undefined {
  const value = stringOption(values, name);
  if (value === undefined) {
    if (required) throw new UsageError(`--${name} is required: ${name === 'margin' ? 'the share of revenue that is margin, e.g. 0.3 or 30%' : 'the annual discount rate, e.g. 0.1 or 10%'}`, 'clv');
    return undefined;
  }
  const percent = value.endsWith('%');
  const n = Number(percent ? value.slice(0, -1) : value);
  const share = percent ? n / 100 : n;
  if (!/^\d+(\.\d+)?%?$/.test(value) || !(share >= 0 && share <= (name === 'margin' ? 1 : 10))) {
    throw new UsageError(`--${name} must be a share such as 0.3 or a percentage such as 30%, not ${JSON.stringify(value)}`, 'clv');
  }
  return share;
}

const fixed = (x: number, d = 3) => x.toFixed(d);

/** `touchlog clv`: BG/NBD and Gamma-Gamma fitted on the store's invoices, CLV over the tenant, CAC payback. */
export const clvCommand: Command = {
  name: 'clv',
  summary: 'fit BG/NBD and Gamma-Gamma on the invoices and value customers (CLV, top decile, CAC payback)',
  args: { min: 0, max: 0, names: '' },
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    'period-days': { type: 'string' },
    currency: { type: 'string' },
    margin: { type: 'string' },
    'discount-rate': { type: 'string' },
    'horizon-months': { type: 'string' },
    top: { type: 'string' },
    'purchase-tag': { type: 'string' },
    cac: { type: 'string' },
  },
  help: `touchlog clv --margin <share> --discount-rate <rate> [options]

Fits the BG/NBD purchase model and the Gamma-Gamma spend model by maximum likelihood on the
customers' invoices (same-day invoices count as one purchase) in a calibration window, then
values every customer: the discounted expected margin over the horizon. See docs/lifetime-value.md.

  --margin <share>          share of revenue that is margin: 0.3 or 30% (required)
  --discount-rate <rate>    annual discount rate: 0.1 or 10% (required)
  --from <date>             first day of the calibration window (default: all history)
  --to <date>               last day of the calibration window (default: today, UTC)
  --period-days <n>         the models' time unit in days (default 7: weeks)
  --currency <code>         value purchases in this currency (needed when customers buy in several)
  --horizon-months <n>      months of future purchases to value (default 12)
  --top <n>                 customers to list (default 10)
  --purchase-tag <tag>      only invoices with this tag are purchases (default: every invoice not void)
  --cac <amount>            acquisition cost per customer (in --currency, default USD): prints the
                            months until collected margin repays it, from actual payments`,

  async run(ctx) {
    const margin = shareOption(ctx.values, 'margin', true)!;
    const annualDiscountRate = shareOption(ctx.values, 'discount-rate', true)!;
    const to = instantOption(ctx.values, 'to', () => new Date());
    const from = ctx.values['from'] === undefined ? undefined : instantOption(ctx.values, 'from', () => new Date());
    const periodDays = intOption(ctx.values, 'period-days', 7, 366);
    const horizonMonths = intOption(ctx.values, 'horizon-months', 12, 1200);
    const top = intOption(ctx.values, 'top', 10, 1000);
    const currency = stringOption(ctx.values, 'currency')?.toUpperCase();
    const purchaseTag = stringOption(ctx.values, 'purchase-tag');
    const cacText = stringOption(ctx.values, 'cac');
    let cac;
    if (cacText !== undefined) {
      try {
        cac = moneyFromDecimal(cacText, currency ?? 'USD');
      } catch {
        throw new UsageError(`--cac must be an amount such as 250.00 in ${currency ?? 'USD'}, not ${JSON.stringify(cacText)}`, 'clv');
      }
      if (cac.amountMinor <= 0) throw new UsageError('--cac must be more than 0', 'clv');
      if (margin === 0) throw new UsageError('--cac needs a --margin above 0: no margin never repays anything', 'clv');
    }
    const calibration = { to, periodDays, ...(from !== undefined ? { from } : {}), ...(currency !== undefined ? { currency } : {}) };
    const { log } = await ctx.openStore(true);
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress, label: 'clv', unit: 'records' });
    try {
      progress.update(0, undefined, 'fitting the models');
      const value = await log.lifetimeValue.summary({ calibration, margin, annualDiscountRate, horizonMonths, top, ...(purchaseTag !== undefined ? { purchaseTag } : {}) });
      const payback =
        cac === undefined
          ? undefined
          : await log.lifetimeValue.cacPayback({ acquisitionCost: cac, margin, asOf: to, ...(purchaseTag !== undefined ? { purchaseTag } : {}) });
      progress.stop();
      if (ctx.json) {
        ctx.out(JSON.stringify({ ...value, ...(payback !== undefined ? { cacPayback: payback } : {}) }));
        return EXIT.ok;
      }
      print(ctx, value, payback);
      return EXIT.ok;
    } finally {
      progress.stop();
    }
  },
};

function print(ctx: CommandContext, value: TenantLifetimeValue, payback: CohortPayback | undefined): void {
  const fit = value.fit!; // the command always fits
  const window = `${fit.calibration.from ?? 'the first purchase'} to ${fit.calibration.to}`;
  ctx.out(`Lifetime value: ${fit.customers} customers with a purchase from ${window} (${fit.repeatCustomers} repeat), periods of ${fit.calibration.periodDays} days`);
  if (fit.bgNbd.available) {
    const p = fit.bgNbd.parameters;
    ctx.out(`BG/NBD:      r ${fixed(p.r)}, alpha ${fixed(p.alpha)}, a ${fixed(p.a)}, b ${fixed(p.b)} (log-likelihood ${fit.bgNbd.logLikelihood.toFixed(2)})`);
  } else if (fit.customers > 0) ctx.out(`BG/NBD:      not available — ${fit.bgNbd.message}`);
  if (fit.gammaGamma.available) {
    const p = fit.gammaGamma.parameters;
    ctx.out(`Gamma-Gamma: p ${fixed(p.p)}, q ${fixed(p.q)}, v ${fixed(p.v, 2)} (${fit.gammaGamma.customers} repeat customers)`);
  } else if (fit.customers > 0) ctx.out(`Gamma-Gamma: not available — ${fit.gammaGamma.message}`);
  for (const b of [...(fit.bgNbd.available ? fit.bgNbd.boundary : []), ...(fit.gammaGamma.available ? fit.gammaGamma.boundary : [])]) {
    ctx.out(`  ${b.parameter} ran towards ${b.towards === 'zero' ? '0' : 'infinity'}: the fit stands for that limit of the model (see docs/lifetime-value.md)`);
  }
  ctx.out('');
  const s = value.summary;
  const c = value.currency;
  if (s === null || c === null) {
    ctx.out(`CLV: not available — ${value.unavailable?.message ?? 'no customer bought in the window'}`);
  } else {
    const m = (minor: number) => formatMoney({ amountMinor: Math.round(minor), currency: c });
    ctx.out(`CLV over the tenant: ${m(s.total)} in all, mean ${m(s.mean)}, median ${m(s.quantiles.p50)}, P90 ${m(s.quantiles.p90)}`);
    ctx.out(`Top decile (${Math.ceil(s.customers / 10)} customers, from ${m(s.topDecileThreshold)}): ${(s.topDecileShare * 100).toFixed(1)}% of the value`);
    if (s.top.length > 0) {
      ctx.out('');
      for (const line of formatTable([{ header: '#', align: 'right' }, { header: 'Customer' }, { header: 'CLV', align: 'right' }], s.top.map((t, i) => [i + 1, t.customerId, m(t.value)]))) ctx.out(line);
    }
  }
  if (payback !== undefined) {
    ctx.out('');
    const cost = formatMoney({ amountMinor: payback.acquisitionCostMinor, currency: payback.currency });
    ctx.out(
      `CAC payback at ${cost} a customer: ` +
        (payback.paybackMonth === null ? 'not reached by the mean customer in the months observed' : `month ${payback.paybackMonth} for the mean customer`) +
        `; ${payback.repaid} of ${payback.customers} customers repaid` +
        (payback.medianPaybackMonth === null ? '' : ` (median month ${payback.medianPaybackMonth})`),
    );
  }
}
