import { ValidationError } from '../../errors/index.js';
import { formatMoney } from '../../models/money.js';
import { instantOption, intOption, stringOption, type Command } from '../context.js';
import { EXIT } from '../errors.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';

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
    const progress = createProgress(ctx.io.stderr, { enabled: ctx.progress, label: 'worklist', unit: 'records' });
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
    ctx.out(`Collections worklist as of ${worklist.asOf}: ${worklist.customersScored} customers scored`);
    if (worklist.entries.length === 0) {
      ctx.out('Nobody owes anything past due.');
      return EXIT.ok;
    }
    const rows = worklist.entries.map((entry, i) => [
      i + 1,
      entry.name ?? entry.customerId,
      amounts(entry.pastDue),
      amounts(entry.over90),
      entry.oldestDaysPastDue,
      entry.openDisputes,
      entry.brokenPromises,
      entry.risk === null ? '—' : `${entry.risk.toFixed(0)} ${entry.grade}`,
      entry.priority.toFixed(1),
    ]);
    for (const line of formatTable(
      [
        { header: '#', align: 'right' },
        { header: 'Customer', max: 40 },
        { header: 'Past due', align: 'right' },
        { header: '90+ days', align: 'right' },
        { header: 'Oldest', align: 'right' },
        { header: 'Disputes', align: 'right' },
        { header: 'Broken promises', align: 'right' },
        { header: 'Risk', align: 'right' },
        { header: 'Priority', align: 'right' },
      ],
      rows,
    )) {
      ctx.out(line);
    }
    return EXIT.ok;
  },
};
