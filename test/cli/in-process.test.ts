/**
 * The command's parts that are easier to watch in process: the progress bar, tables, and the
 * runner's handling of failures it did not expect.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { formatTable } from '../../src/cli/table.js';
import { sampleNdjson } from '../examples/sample-data.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-cli-inproc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(tty = false) {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = tty;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

async function run(args: string[], env: Record<string, string> = {}) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli(args, { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([]), env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('the progress bar', () => {
  it('shows on stderr when forced (and never pollutes stdout)', async () => {
    const file = join(dir, 'sample.ndjson');
    writeFileSync(file, sampleNdjson());
    const result = await run(['--db', join(dir, 'progress.db'), 'import', file, '--progress', '--batch-size', '5']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/import ndjson .*100% \| 14 records: 14 created/);
    expect(result.stdout).not.toMatch(/%/);
  });

  it('stays silent when stderr is no terminal, and with --json', async () => {
    const file = join(dir, 'sample2.ndjson');
    writeFileSync(file, sampleNdjson());
    const plain = await run(['--db', join(dir, 'quiet.db'), 'import', file]);
    expect(plain.stderr).toBe('');
    const json = await run(['--db', join(dir, 'quiet.db'), 'import', file, '--json', '--progress']);
    expect(json.stderr).toMatch(/100%/); // --progress forces it even with --json: it goes to stderr
    expect(JSON.parse(json.stdout).unchanged).toBe(14);
  });
});

describe('tables', () => {
  it('pads columns, right-aligns numbers and cuts long cells', () => {
    expect(
      formatTable(
        [{ header: 'Name' }, { header: 'Amount', align: 'right' }, { header: 'Note', max: 8 }],
        [
          ['Zürich AG', '$1.00', 'short'],
          ['X', '$10,000.00', 'a rather long note'],
        ],
      ),
    ).toEqual(['Name           Amount  Note', '─────────  ──────────  ────────', 'Zürich AG       $1.00  short', 'X          $10,000.00  a rathe…']);
  });
});

describe('unexpected failures', () => {
  it('reports a storage failure as a sentence with exit code 1, and the stack only with TOUCHLOG_DEBUG=1', async () => {
    const notADirectory = join(dir, 'file-not-dir');
    writeFileSync(notADirectory, 'x');
    const result = await run(['--db', join(notADirectory, 'x.db'), 'import', join(dir, 'sample.ndjson')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^touchlog: cannot open the SQLite database .*x\.db: check that its directory exists and is writable\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await run(['--db', join(notADirectory, 'x.db'), 'import', join(dir, 'sample.ndjson')], { TOUCHLOG_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toBe(result.stderr); // a typed error: its message says it all
  });

  it('calls a bug a bug: "unexpected error" and exit code 1, with the stack only under TOUCHLOG_DEBUG=1', async () => {
    const broken = new PassThrough();
    broken.write = () => {
      throw new Error('the terminal went away');
    };
    for (const [env, stack] of [[{}, false], [{ TOUCHLOG_DEBUG: '1' }, true]] as const) {
      const stderr = capture();
      const code = await runCli(['export', '--schemas', '-'], { stdout: broken, stderr: stderr.stream, stdin: Readable.from([]), env });
      expect(code).toBe(1);
      expect(stderr.text()).toMatch(/^touchlog: (unexpected error: )?.*the terminal went away/);
      expect(/\n\s+at /.test(stderr.text())).toBe(stack);
    }
  });

  it('prints the version', async () => {
    const result = await run(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
