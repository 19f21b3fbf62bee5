import { intOption, stringOption, type Command } from '../context.js';
import { EXIT, UsageError } from '../errors.js';
import { loadDriver } from '../store.js';

/** `touchlog demo`: the lead's demo (src/demo/run.ts) on an embedded SQLite file. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'build a realistic multi-source data set in SQLite and show timeline, scores, worklist and audit',
  args: { min: 0, max: 0, names: '' },
  options: {
    customers: { type: 'string' },
  },
  help: `touchlog demo [--db <path>] [--json]

Generates a deterministic multi-source data set (CRM, mail server, phone system, ERP) into an
SQLite file, then prints one customer's merged timeline, their scores with factor explanations,
the top of the collections worklist and the audit verification. The data is in tenant "demo".

  --db <path>   the file to build (default: touchlog-demo.db, never your touchlog.db);
                it is replaced if it exists
  --customers <n>   how many customers to generate (default 300)`,

  async run(ctx) {
    if (ctx.store.pg !== undefined) throw new UsageError('demo runs on an embedded SQLite file: use --db, not --pg', 'demo');
    // Loaded on demand: the demo generator is large and only this command needs it.
    const { runDemo } = await loadDriver('touchlog demo (SQLite)', ['better-sqlite3', 'kysely'], () => import('../../demo/run.js'));
    // Not the global default (touchlog.db): the demo replaces its file.
    const filename = stringOption(ctx.values, 'db') ?? 'touchlog-demo.db';
    const customers = ctx.values['customers'] === undefined ? {} : { customers: intOption(ctx.values, 'customers', 300, 10_000) };
    const summary = await runDemo({ filename, write: (line: string) => ctx.out(line), json: ctx.json, ...customers });
    if (!ctx.json) {
      ctx.out('');
      ctx.out(`Explore it: touchlog timeline ${summary.customer.id} --db ${filename} --tenant demo`);
      ctx.out(`            touchlog worklist --db ${filename} --tenant demo --as-of 2026-11-01 --currency USD`);
    }
    return EXIT.ok;
  },
};
