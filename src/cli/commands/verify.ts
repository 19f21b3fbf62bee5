import type { Command } from '../context.js';
import { EXIT } from '../errors.js';
import { plural } from '../../text/plural.js';

/** `touchlog verify`: checks the tenant's audit hash chain. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: "verify the tenant's audit trail (SHA-256 hash chain)",
  args: { min: 0, max: 0, names: '' },
  options: {},
  help: `touchlog verify

Recomputes the tenant's audit hash chain and reports the first entry that was changed, removed,
inserted or reordered. Exit code 5 when the chain does not verify.`,

  async run(ctx) {
    const { log } = await ctx.openStore(true);
    const result = await log.audit.verify();
    if (ctx.json) ctx.out(JSON.stringify(result));
    else if (result.ok) {
      ctx.out(
        result.head
          ? `Audit trail verified: ${plural(result.entries, 'entry', 'entries')}, head #${result.head.seq} ${result.head.hash}`
          : 'Audit trail verified: no entries yet',
      );
    } else {
      ctx.out(`Audit trail does NOT verify: entry #${result.problem!.seq} ${result.problem!.kind} — ${result.problem!.message}`);
      ctx.out(`(${plural(result.entries, 'entry', 'entries')} checked before the problem)`);
    }
    return result.ok ? EXIT.ok : EXIT.verifyFailed;
  },
};
