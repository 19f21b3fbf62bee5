import { readFileSync } from 'node:fs';
import { NotFoundError } from '../../errors/index.js';
import { backtest, type BacktestReport } from '../../forecast/backtest.js';
import { readInvoiceTable, type InvoiceTableField, type TableDateFormat } from '../../interop/invoice-table.js';
import { instantOption, listOption, stringOption, type Command, type CommandContext } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { formatTable } from '../table.js';

const FIELDS: readonly InvoiceTableField[] = ['customer', 'ref', 'invoiceDate', 'dueDate', 'settledDate', 'amount', 'disputed'];
const days = (n: number) => n.toFixed(2);
const ratio = (r: number | null) => (r === null ? '—' : r.toFixed(3));

function printReport(ctx: CommandContext, report: BacktestReport, source: string): void {
  ctx.out(`Backtest of ${source}: ${report.forecasts} forecasts of open invoices over ${report.periods.length} month ends (${report.asOf[0] ?? '—'} to ${report.asOf.at(-1) ?? '—'})`);
  if (report.neverSettled > 0) ctx.out(`${report.neverSettled} invoice(s) never paid: not scored`);
  ctx.out('');
  const row = (name: string, e: { mae: number; bias: number; medianAbsoluteError: number; amountWeightedMae: number }, toModel: string) => [
    name,
    days(e.mae),
    days(e.medianAbsoluteError),
    days(e.bias),
    days(e.amountWeightedMae),
    toModel,
  ];
  for (const line of formatTable(
    [{ header: 'Forecaster' }, { header: 'MAE (days)', align: 'right' }, { header: 'Median AE', align: 'right' }, { header: 'Bias', align: 'right' }, { header: 'Amount-weighted MAE', align: 'right' }, { header: 'Model ÷ this', align: 'right' }],
    [
      row('touchlog forecast (P50)', report.model, ''),
      row('due date', report.baselines.dueDate, ratio(report.ratios.toDueDate)),
      row("customer's median", report.baselines.customerMedian, ratio(report.ratios.toCustomerMedian)),
      row('due date, or the day after asOf', report.baselines.dueDateConditioned, ratio(report.ratios.toDueDateConditioned)),
    ],
  )) {
    ctx.out(line);
  }
  ctx.out('');
  ctx.out(`${(report.model.withinP10P90 * 100).toFixed(1)}% of payments fell within the forecast's P10–P90 dates (80% when calibrated)`);
}

/** `touchlog backtest [<table.csv>]`: the forecast replayed month end by month end, against two baselines. */
export const backtestCommand: Command = {
  name: 'backtest',
  summary: 'measure the payment forecast on past months: MAE in days against the due date and the customer median',
  args: { min: 0, max: 1, names: '[<table.csv>]' },
  options: {
    'known-at': { type: 'string' },
    'date-format': { type: 'string' },
    currency: { type: 'string' },
    column: { type: 'string', multiple: true },
  },
  help: `touchlog backtest [<table.csv>] [options]

Replays invoice history as of every month end: each invoice open that day is forecast with only
what was known then, and the forecast day compared with the day it was paid. Reports the mean
absolute error in days against paying on the due date and the customer's median days late.

With <table.csv>: an AR export, one invoice a line, with columns for the customer, invoice date,
due date, settled date and optionally amount and disputed flag (found by their usual names, such
as customerID, InvoiceDate, DueDate, SettledDate, InvoiceAmount, Disputed). No database is used.
Without it: the invoices, payments and disputes of the store.

  --known-at <date>                 store only: what is known, up to this day (default: today)
  --date-format iso|mdy|dmy         how the table's dates are written (default: found from the data)
  --currency <code>                 currency of the table's amounts (default USD)
  --column <field>=<name>           the table's column for a field (${FIELDS.join(', ')}); repeatable`,

  async run(ctx) {
    const file = ctx.positionals[0];
    let report: BacktestReport;
    let source: string;
    if (file !== undefined) {
      if (ctx.values['known-at'] !== undefined) throw new UsageError('--known-at is for the store; a table says what it knows', 'backtest');
      const format = stringOption(ctx.values, 'date-format');
      if (format !== undefined && !['iso', 'mdy', 'dmy'].includes(format)) throw new UsageError('--date-format must be iso, mdy or dmy', 'backtest');
      const columns: Partial<Record<InvoiceTableField, string>> = {};
      for (const pair of listOption(ctx.values, 'column')) {
        const [field, ...name] = pair.split('=');
        if (!FIELDS.includes(field as InvoiceTableField) || name.length === 0) throw new UsageError(`--column must be <field>=<name> with a field among ${FIELDS.join(', ')}, not ${JSON.stringify(pair)}`, 'backtest');
        columns[field as InvoiceTableField] = name.join('=');
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new NotFoundError('file', file, `file ${file} was not found`);
      }
      const currency = stringOption(ctx.values, 'currency')?.toUpperCase();
      const table = readInvoiceTable(text, { columns, ...(format !== undefined ? { dateFormat: format as TableDateFormat } : {}), ...(currency !== undefined ? { currency } : {}) });
      report = backtest(table.rows);
      source = `${file} (${table.rows.length} invoices, dates ${table.dateFormat})`;
    } else {
      if (ctx.values['date-format'] !== undefined || ctx.values['column'] !== undefined || ctx.values['currency'] !== undefined) {
        throw new UsageError('--date-format, --column and --currency are for a CSV table', 'backtest');
      }
      const knownAt = instantOption(ctx.values, 'known-at', () => new Date());
      const { log, where } = await ctx.openStore(true);
      report = await log.forecast.backtest({ knownAt });
      source = `${where} (tenant ${log.tenant})`;
    }
    if (ctx.json) ctx.out(JSON.stringify(report));
    else printReport(ctx, report, source);
    return EXIT.ok;
  },
};
