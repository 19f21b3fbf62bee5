/**
 * Child process of the spool test: starts an mbox import whose input never ends, so that the
 * import stays in its reading phase with a spool of parsed messages on disk, and prints
 * `SPOOLED <dir>` once the spool file holds data. The test kills it with SIGKILL.
 *
 *   node --import tsx test/helpers/email-import-child.ts <spool directory>
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTouchlog } from 'touchlog';
import { importMbox } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';

const [spoolDirectory] = process.argv.slice(2);
if (!spoolDirectory) throw new Error('usage: email-import-child <spool directory>');

/** Enough messages to make the spool flush to disk (it buffers 1 MiB), then nothing, forever. */
async function* endless(): AsyncGenerator<Buffer> {
  for (let i = 0; i < 400; i++) {
    yield Buffer.from(
      `From jane.doe@private-family.example Mon Mar  2 08:00:00 2026\nFrom: Jane Doe <jane.doe@private-family.example>\nTo: ar@seller.example\n` +
        `Subject: Payment plan ${i}\nMessage-ID: <plan-${i}@private-family.example>\n\n${'My husband lost his job, so we can only pay part of it this month. '.repeat(60)}\n\n`,
    );
  }
  await new Promise(() => {});
}

const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'spool', actor: 'test:spool' });
void importMbox(log, endless(), { spoolDirectory, createMissingCustomers: true });

const timer = setInterval(() => {
  for (const name of readdirSync(spoolDirectory)) {
    const file = join(spoolDirectory, name, 'messages.ndjson');
    try {
      if (statSync(file).size > 0) {
        process.stdout.write(`SPOOLED ${join(spoolDirectory, name)}\n`);
        clearInterval(timer);
        return;
      }
    } catch {
      // not there yet
    }
  }
}, 20);
