import { resolveCustomerRef } from '../../interop/customer-ref.js';
import { summariseTimelineEntry } from '../../interop/describe.js';
import type { TimelineEntry } from '../../store/timeline.js';
import { intOption, optionalInstantOption, stringOption, type Command } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { formatTable } from '../table.js';

const when = (instant: string) => `${instant.slice(0, 10)} ${instant.slice(11, 16)}`;

/** `touchlog timeline <customer>`: one customer's merged timeline. */
export const timelineCommand: Command = {
  name: 'timeline',
  summary: "show a customer's merged timeline",
  args: { min: 1, max: 1, names: '<customer>' },
  options: {
    limit: { type: 'string' },
    cursor: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    order: { type: 'string' },
    all: { type: 'boolean' },
  },
  help: `touchlog timeline <customer> [options]

Shows a customer's timeline: interactions, messages and financial events in time order.
<customer> is an id, email:<address>, phone:<+number> or <system>:<id> (erp:C-1001).

  --limit <n>           entries per page (default 50, at most 1000)
  --cursor <cursor>     the page after the one that printed this cursor
  --from <instant>      entries at or after (2026-01-01 or 2026-01-01T00:00:00Z)
  --to <instant>        entries before
  --order asc|desc      oldest first (default) or newest first
  --all                 every entry, no paging`,

  async run(ctx) {
    const order = stringOption(ctx.values, 'order') ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw new UsageError('--order must be asc or desc', 'timeline');
    const limit = intOption(ctx.values, 'limit', 50, 1000);
    const all = ctx.values['all'] === true;
    const cursor = stringOption(ctx.values, 'cursor');
    if (all && cursor !== undefined) throw new UsageError('--all and --cursor cannot be used together', 'timeline');
    const from = optionalInstantOption(ctx.values, 'from');
    const to = optionalInstantOption(ctx.values, 'to');
    const filters = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };

    const { log } = await ctx.openStore(true);
    const customer = await resolveCustomerRef(log, ctx.positionals[0]!);
    let items: TimelineEntry[];
    let nextCursor: string | undefined;
    if (all) {
      items = [];
      for await (const entry of log.timeline.stream(customer.id, { ...filters, order })) items.push(entry);
    } else {
      const page = await log.timeline(customer.id, { ...filters, order, limit, ...(cursor !== undefined ? { cursor } : {}) });
      items = page.items;
      nextCursor = page.nextCursor;
    }

    if (ctx.json) {
      ctx.out(JSON.stringify({ customer: { id: customer.id, displayName: customer.displayName }, items, ...(nextCursor ? { nextCursor } : {}) }));
      return EXIT.ok;
    }
    ctx.out(`${customer.displayName} (${customer.id})`);
    if (items.length === 0) {
      ctx.out('No timeline entries.');
      return EXIT.ok;
    }
    const rows = items.map((entry) => {
      const summary = summariseTimelineEntry(entry);
      return [when(entry.at), entry.kind, summary.title, summary.amount, summary.status];
    });
    for (const line of formatTable(
      [{ header: 'When (UTC)' }, { header: 'Kind' }, { header: 'What', max: 70 }, { header: 'Amount', align: 'right' }, { header: 'Status' }],
      rows,
    )) {
      ctx.out(line);
    }
    ctx.out(`${items.length} ${items.length === 1 ? 'entry' : 'entries'}${nextCursor ? `; more with --cursor ${nextCursor}` : ''}`);
    return EXIT.ok;
  },
};
