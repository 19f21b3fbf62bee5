import type { Change } from '../../store/changes.js';
import { intOption, stringOption, type Command } from '../context.js';
import { EXIT } from '../errors.js';
import { plural } from '../../text/plural.js';

/** Widths of the columns of a change line (the table is printed as changes arrive, so they are fixed). */
const COLUMNS = [
  { header: 'Seq', width: 8, align: 'right' },
  { header: 'When (UTC)', width: 24 },
  { header: 'Action', width: 10 },
  { header: 'Model', width: 15 },
  { header: 'Id', width: 26 },
  { header: 'Version', width: 7, align: 'right' },
  { header: 'Actor', width: 0 },
] as const;

function line(cells: readonly string[]): string {
  return cells
    .map((cell, i) => {
      const column = COLUMNS[i]!;
      if (column.width === 0) return cell;
      return 'align' in column ? cell.padStart(column.width) : cell.padEnd(column.width);
    })
    .join('  ')
    .trimEnd();
}

const row = (change: Change) =>
  line([String(change.seq), change.at, change.action, change.model, change.id, change.version === undefined ? '—' : String(change.version), change.actor]);

/** `touchlog changes`: the tenant's change feed from a cursor, once or following. */
export const changesCommand: Command = {
  name: 'changes',
  summary: "print the tenant's committed changes after a cursor, or follow them as they commit",
  args: { min: 0, max: 0, names: '' },
  options: {
    after: { type: 'string' },
    limit: { type: 'string' },
    follow: { type: 'boolean' },
    poll: { type: 'string' },
  },
  help: `touchlog changes [--after <cursor>] [--limit <n>] [--follow] [--poll <ms>]

Prints the tenant's committed changes in commit order: which record was created, updated,
transitioned, merged, erased or purged, its version, when and by whom — never its content.
Without --after, from the first change. Ends when caught up and prints the cursor to continue
from; with --follow, keeps waiting for new changes until interrupted (Ctrl-C, exit 130).

  --after <cursor>   start after this cursor (printed at the end of a run, and in every --json line)
  --limit <n>        at most n changes, then stop (at most 10000000)
  --follow           keep printing changes as they commit
  --poll <ms>        with --follow: how often to look for changes other processes made (default 1000)
  --json             one change per line (NDJSON), each with its "cursor"`,

  async run(ctx) {
    const after = stringOption(ctx.values, 'after');
    const limit = intOption(ctx.values, 'limit', Number.MAX_SAFE_INTEGER, 10_000_000);
    const follow = ctx.values['follow'] === true;
    const poll = intOption(ctx.values, 'poll', 1000, 60_000);
    const { log } = await ctx.openStore(true);
    // A cursor that is no cursor of this feed is refused before anything is printed (exit 3).
    if (after !== undefined) await log.changes({ after, limit: 1 });
    let cursor = after;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let count = 0;
    try {
      if (!ctx.json) ctx.out(line(COLUMNS.map((column) => column.header)));
      for await (const change of log.changes.stream({ ...(cursor !== undefined ? { after: cursor } : {}), follow, signal: stop.signal, pollInterval: Math.max(poll, 10) })) {
        ctx.out(ctx.json ? JSON.stringify(change) : row(change));
        cursor = change.cursor;
        if (++count >= limit) break;
      }
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (!ctx.json) {
      const next = cursor ?? (await log.changes()).nextCursor;
      ctx.out(count === 0 ? `No changes${after !== undefined ? ' after that cursor' : ''}; continue with --after ${next}` : `${plural(count, 'change')}; continue with --after ${next}`);
    }
    return ctx.signal.aborted ? EXIT.interrupted : EXIT.ok;
  },
};
