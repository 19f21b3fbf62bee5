import { ValidationError } from '../../errors/index.js';
import { formatMoney } from '../../models/money.js';
import { instantOption, intOption, stringOption, type Command } from '../context.js';
import { EXIT } from '../errors.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { plural } from '../../text/plural.js';
import { DEFAULT_NEUTRAL_RISK } from '../../scoring/worklist.js';

const amounts = (byCurrency: Readonly<Record<string, number>>) =>
  Object.entries(byCurrency)
    .filter(([, amount]) => amount !== 0)
    .map(([currency, amount]) => formatMoney({ amountMinor: amount, currency }))
    .join(', ') || '—';

/** `touchlog worklist`: the collections worklist over the whole tenant. */
export const worklistCommand: Command = {
  name: 'worklist',
  summary: 'rank customers for collections by overdue amount and risk',
  args: { min: 0, max: 0, names: '' },
  options: {
    'as-of': { type: 'string' },
    limit: { type: 'string' },
    currency: { type: 'string' },
  },
  help: `touchlog worklist [options]

Ranks every customer for collections: past-due amount and risk, highest priority first.

  --as-of <date>       the day to rank as of (default: today, UTC)
  --limit <n>          entries to show (default 20)
  --currency <code>    rank by what is past due in this currency (needed when customers owe in
                       several currencies)`,

  async run(ctx) {
    const asOf = instantOption(ctx.values, 'as-of', () => new Date());
    const limit = intOption(ctx.values, 'limit', 20, 1000);
    const currency = stringOption(ctx.values, 'currency')?.toUpperCase();
    const { log } = await ctx.openStore(true);
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress, label: 'worklist', unit: '' });
    let worklist;
    try {
      progress.update(0, undefined, 'scoring customers');
      worklist = await log.score.worklist({ asOf, limit, ...(currency !== undefined ? { currency } : {}) });
    } catch (error) {
      const several = error instanceof ValidationError ? error.issues.find((issue) => issue.path[0] === 'currency' && currency === undefined) : undefined;
      if (several) {
        // Say it in the command's words: the option is --currency.
        throw new ValidationError('worklist', [{ ...several, message: `${several.message.split(':')[0]}: give --currency with one of them` }]);
      }
      throw error;
    } finally {
      progress.stop();
    }
    if (ctx.json) {
      ctx.out(JSON.stringify(worklist));
      return EXIT.ok;
    }
    // Each entry's amounts are in one currency: the one asked for, or the only one (the library
    // refuses to rank several without --currency). Priority is in minor units of it.
    const unit = (entry: (typeof worklist.entries)[number]) => currency ?? Object.keys(entry.pastDue)[0]!;
    ctx.out(
      `Collections worklist as of ${worklist.asOf}: ${plural(worklist.customersScored, 'customer')} scored; ` +
        `the top ${worklist.entries.length} by amount at risk${currency !== undefined ? ` in ${currency}` : ''}`,
    );
    if (worklist.entries.length === 0) {
      ctx.out('Nobody owes anything past due.');
      return EXIT.ok;
    }
    const rows = worklist.entries.map((entry, i) => [
      i + 1,
      entry.name ?? entry.customerId,
      amounts(entry.pastDue),
      amounts(entry.over90),
      plural(entry.oldestDaysPastDue, 'day'),
      entry.openDisputes,
      entry.brokenPromises,
      entry.risk === null ? '—' : `${entry.risk.toFixed(0)}/100 ${entry.grade}`,
      formatMoney({ amountMinor: Math.round(entry.priority), currency: unit(entry) }),
    ]);
    for (const line of formatTable(
      [
        { header: '#', align: 'right' },
        { header: 'Customer', max: 40 },
        { header: 'Past due', align: 'right' },
        { header: 'Over 90 days', align: 'right' },
        { header: 'Oldest past due', align: 'right' },
        { header: 'Open disputes', align: 'right' },
        { header: 'Broken promises', align: 'right' },
        { header: 'Risk', align: 'right' },
        { header: 'At risk', align: 'right' },
      ],
      rows,
    )) {
      ctx.out(line);
    }
    ctx.out('');
    ctx.out(
      `Ranked by the amount at risk: past due × risk ÷ 100 (risk 0–100, higher is riskier; ${DEFAULT_NEUTRAL_RISK} for a customer without a score).`,
    );
    return EXIT.ok;
  },
};
