/**
 * The email import's spool — parsed messages (bodies, addresses) on disk between reading and
 * writing: private while it exists, gone when the import ends, and removed by the next import
 * when a crash left it behind. The crash is real: a child process killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createTouchlog } from 'touchlog';
import { importMbox } from 'touchlog/interop';
import { memoryAdapter } from 'touchlog/memory';

const root = resolve(import.meta.dirname, '../..');
const child = join(root, 'test/helpers/email-import-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'touchlog-spool-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const newLog = () => createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'test:spool' });
const mbox = (count: number) =>
  Readable.from([
    Buffer.from(
      Array.from({ length: count }, (_, i) => `From ap@northwind.example Mon Mar  2 08:00:00 2026\nFrom: ap@northwind.example\nSubject: m${i}\nMessage-ID: <m${i}@northwind.example>\n\nbody ${i}\n`).join('\n'),
    ),
  ]);

/** Starts the child, waits until its spool holds data, kills it with SIGKILL; returns the spool it left. */
async function crashAnImport(spoolDirectory: string): Promise<{ pid: number; spool: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, spoolDirectory], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const spool = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the child did not spool:\n${output}`)), 60_000);
    proc.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /SPOOLED (.+)\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    proc.once('exit', (code) => fail(new Error(`the child exited (${code}):\n${output}`)));
  });
  const exited = new Promise((done) => proc.once('exit', done));
  proc.kill('SIGKILL');
  await exited;
  return { pid: proc.pid!, spool };
}

describe('the email import spool', () => {
  it('is private while the import runs (0700 directory, 0600 files, in the directory asked for) and gone after it', async () => {
    const spoolDirectory = join(dir, 'running');
    mkdirSync(spoolDirectory);
    const seen: Array<{ dir: number; files: Record<string, number> }> = [];
    const report = await importMbox(newLog(), mbox(3), {
      spoolDirectory,
      createMissingCustomers: true,
      onProgress: (progress) => {
        if (progress.phase !== 'reading' || seen.length > 0) return;
        const [spool] = readdirSync(spoolDirectory).map((name) => join(spoolDirectory, name));
        seen.push({ dir: mode(spool!), files: Object.fromEntries(readdirSync(spool!).map((file) => [file, mode(join(spool!, file))])) });
      },
    });
    expect(report).toMatchObject({ created: 3, rejected: 0 });
    expect(seen).toEqual([{ dir: 0o700, files: { 'messages.ndjson': 0o600, 'owner.json': 0o600 } }]);
    expect(readdirSync(spoolDirectory)).toEqual([]);
    // Also when the import fails: here, on input that is no mbox.
    await expect(importMbox(newLog(), Readable.from([Buffer.from('no envelope here\n')]), { spoolDirectory })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(readdirSync(spoolDirectory)).toEqual([]);
  });

  it('left behind by an import that was killed, is removed by the next import — and nothing else is', async () => {
    const spoolDirectory = join(dir, 'crashed');
    mkdirSync(spoolDirectory);
    const { pid, spool } = await crashAnImport(spoolDirectory);
    // What the crash leaves: personal data on disk, but private.
    expect(existsSync(spool)).toBe(true);
    expect(mode(spool)).toBe(0o700);
    expect(mode(join(spool, 'messages.ndjson'))).toBe(0o600);
    expect(readFileSync(join(spool, 'messages.ndjson'), 'utf8')).toContain('jane.doe@private-family.example');
    expect(JSON.parse(readFileSync(join(spool, 'owner.json'), 'utf8'))).toMatchObject({ pid, host: hostname() });

    // Directories that are not certainly leftovers stay: a live import's (this process), one
    // holding a file a spool never has, one without an owner written less than a day ago, and
    // anything named otherwise. One without an owner, untouched for two days, is a leftover.
    const decoy = (name: string, files: Record<string, string>, ageDays = 0) => {
      const path = join(spoolDirectory, name);
      mkdirSync(path);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(path, file), text);
      if (ageDays > 0) {
        const then = new Date(Date.now() - ageDays * 86_400_000);
        utimesSync(path, then, then);
      }
      return path;
    };
    const live = decoy('touchlog-email-live01', { 'owner.json': JSON.stringify({ pid: process.pid, host: hostname() }), 'messages.ndjson': '' });
    const foreign = decoy('touchlog-email-notes1', { 'notes.txt': 'mine' }, 3);
    const fresh = decoy('touchlog-email-fresh1', { 'messages.ndjson': '' });
    const other = decoy('touchlog-something', {}, 3);
    const orphan = decoy('touchlog-email-orphan', { 'messages.ndjson': '{"at":{}}' }, 2);

    const report = await importMbox(newLog(), mbox(2), { spoolDirectory, createMissingCustomers: true });
    expect(report).toMatchObject({ created: 2 });
    expect(existsSync(spool)).toBe(false);
    expect(existsSync(orphan)).toBe(false);
    for (const kept of [live, foreign, fresh, other]) expect(existsSync(kept), kept).toBe(true);
    expect(readdirSync(spoolDirectory).sort()).toEqual(['touchlog-email-fresh1', 'touchlog-email-live01', 'touchlog-email-notes1', 'touchlog-something']);
  }, 90_000);

  it('refuses a spool directory that does not exist, naming the option', async () => {
    await expect(importMbox(newLog(), mbox(1), { spoolDirectory: join(dir, 'missing') })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: ['spoolDirectory'], code: 'unusable_directory', message: expect.stringContaining(`the directory ${join(dir, 'missing')} does not exist`) }],
    });
  });
});
