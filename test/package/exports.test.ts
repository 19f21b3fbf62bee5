/**
 * The published package, as users install it: `npm pack`, then `npm install` of the tarball into
 * empty projects, each with only the optional peer dependencies the README tells users to install
 * for what they use — so that an import or the `touchlog` command reaching for a driver the user
 * was never told to install fails here, as it would for them.
 *
 * - full: `better-sqlite3 kysely pg` — every subpath from ESM and CommonJS, end to end;
 * - sqlite: `better-sqlite3 kysely` (no pg) — the command works on SQLite, `--pg` says to install pg;
 * - core: no peers — the core subpaths load, and the command says which drivers to install.
 *
 * Packages come from the npm cache (`--prefer-offline`), at the versions this checkout has.
 * better-sqlite3's install script would compile its native addon (a minute and a half on a small
 * machine): it is skipped, and the addon this checkout built for the same version and the same
 * Node is linked in its place, so that everything else about the install is what users get.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleNdjson } from '../examples/sample-data.js';

const root = resolve(import.meta.dirname, '../..');
const subpaths = ['touchlog', 'touchlog/memory', 'touchlog/sqlite', 'touchlog/postgres', 'touchlog/testing', 'touchlog/interop'];
const corePaths = ['touchlog', 'touchlog/memory', 'touchlog/testing', 'touchlog/interop'];
const workspace = mkdtempSync(join(tmpdir(), 'touchlog-pack-'));
const projects = { full: '', sqlite: '', core: '' };

/** npm's own settings from the `npm test` that runs us would leak into the installs. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

const versionOf = (name: string) => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

function install(name: keyof typeof projects, tarball: string, peers: readonly string[]): string {
  const project = join(workspace, name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true }));
  const specs = peers.map((peer) => `${peer}@${versionOf(peer)}`);
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', tarball, ...specs], { cwd: project, env, stdio: 'pipe' });
  if (peers.includes('better-sqlite3')) {
    const release = join(project, 'node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    symlinkSync(join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(release, 'better_sqlite3.node'));
  }
  return project;
}

beforeAll(() => {
  // `npm pack` builds first (the package's prepack script), as `npm publish` does.
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', workspace], { cwd: root, encoding: 'utf8', env }).trim().split('\n').pop()!;
  const tarball = join(workspace, packed);
  projects.full = install('full', tarball, ['better-sqlite3', 'kysely', 'pg']);
  projects.sqlite = install('sqlite', tarball, ['better-sqlite3', 'kysely']);
  projects.core = install('core', tarball, []);
  writeFileSync(join(workspace, 'sample.ndjson'), sampleNdjson());
}, 300_000);

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

const run = (project: string, file: string, source: string) => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
};

/** Runs the installed `touchlog` command (node_modules/.bin, as npx would). */
const touchlog = (project: string, args: readonly string[]) => {
  const result = spawnSync(join(project, 'node_modules/.bin/touchlog'), args, { cwd: project, encoding: 'utf8', env: { ...env, TOUCHLOG_DB: '', TOUCHLOG_PG: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('the packed tarball, with every optional peer installed', () => {
  it.each(subpaths)('imports %s from ESM', (subpath) => {
    const out = run(projects.full, 'esm.mjs', `const m = await import(${JSON.stringify(subpath)}); console.log(Object.keys(m).sort().join(','));`);
    expect(out.trim().length).toBeGreaterThan(0);
  });

  it.each(subpaths)('requires %s from CommonJS', (subpath) => {
    const out = run(projects.full, 'cjs.cjs', `const m = require(${JSON.stringify(subpath)}); console.log(Object.keys(m).sort().join(','));`);
    expect(out.trim().length).toBeGreaterThan(0);
  });

  it('works end to end from CommonJS and shares one core between entry points', () => {
    const out = run(
      projects.full,
      'e2e.cjs',
      `const { createTouchlog, isTouchlogError } = require('touchlog');
       const { memoryAdapter } = require('touchlog/memory');
       (async () => {
         const log = createTouchlog({ adapter: memoryAdapter(), tenant: 'acme', actor: 'cjs' });
         const { record } = await log.customers.record({ displayName: 'Acme' });
         try { await log.customers.get('01JQ0000000000000000000000') } catch (e) { console.log(isTouchlogError(e, 'NOT_FOUND')) }
         console.log(record.version, (await log.audit.verify()).ok);
       })();`,
    );
    expect(out.trim().split('\n')).toEqual(['true', '1 true']);
  });

  it('exposes the package.json', () => {
    expect(run(projects.full, 'pkg.cjs', `console.log(require('touchlog/package.json').name)`).trim()).toBe('touchlog');
  });

  it('ships no source maps, and the files package.json names', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: join(projects.full, 'node_modules/touchlog'), encoding: 'utf8' }).trim().split('\n');
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['./package.json', './README.md', './CHANGELOG.md', './LICENSE', './dist/cli.js']));
  });
});

describe('the packed tarball, with the SQLite peers only (better-sqlite3 kysely)', () => {
  it('runs the touchlog command on SQLite without pg installed', () => {
    const imported = touchlog(projects.sqlite, ['import', join(workspace, 'sample.ndjson'), '--db', 'crm.db']);
    expect([imported.code, imported.stderr]).toEqual([0, '']);
    expect(imported.stdout).toContain('14 records — 14 created');
    const verified = touchlog(projects.sqlite, ['verify', '--db', 'crm.db']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^Audit trail verified: 14 entries/);
  });

  it('says to install pg for --pg, before connecting anywhere', () => {
    const result = touchlog(projects.sqlite, ['verify', '--pg', 'postgres://user:secret@127.0.0.1:1/db']);
    expect([result.code, result.stdout]).toEqual([1, '']);
    expect(result.stderr).toBe('touchlog: PostgreSQL (--pg) needs the pg package, which is not installed: npm install pg\n');
    const json = touchlog(projects.sqlite, ['verify', '--pg', 'postgres://127.0.0.1:1/db', '--json']);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'UNSUPPORTED', message: 'PostgreSQL (--pg) needs the pg package, which is not installed: npm install pg' } });
  });

  it('loads touchlog/sqlite from ESM and CommonJS', () => {
    const out = run(projects.sqlite, 'sqlite.cjs', `const { sqliteAdapter } = require('touchlog/sqlite'); console.log(typeof sqliteAdapter);`);
    expect(out.trim()).toBe('function');
  });
});

describe('the packed tarball, without any optional peer', () => {
  it.each(corePaths)('imports %s from ESM and CommonJS', (subpath) => {
    expect(run(projects.core, 'esm.mjs', `const m = await import(${JSON.stringify(subpath)}); console.log(Object.keys(m).length > 0);`).trim()).toBe('true');
    expect(run(projects.core, 'cjs.cjs', `console.log(Object.keys(require(${JSON.stringify(subpath)})).length > 0);`).trim()).toBe('true');
  });

  it('runs the touchlog command, and names the drivers a database needs', () => {
    expect(touchlog(projects.core, ['--version'])).toMatchObject({ code: 0, stderr: '' });
    expect(touchlog(projects.core, ['help'])).toMatchObject({ code: 0, stderr: '' });
    const message = 'touchlog: SQLite (--db) needs the better-sqlite3 and kysely packages, which are not installed: npm install better-sqlite3 kysely\n';
    expect(touchlog(projects.core, ['import', join(workspace, 'sample.ndjson')])).toMatchObject({ code: 1, stderr: message });
    const demo = touchlog(projects.core, ['demo', '--db', 'demo.db']);
    expect([demo.code, demo.stderr]).toEqual([1, message.replace('SQLite (--db)', 'touchlog demo (SQLite)')]);
    expect(touchlog(projects.core, ['verify', '--pg', 'postgres://127.0.0.1:1/db'])).toMatchObject({
      code: 1,
      stderr: 'touchlog: PostgreSQL (--pg) needs the pg and kysely packages, which are not installed: npm install pg kysely\n',
    });
  });
});
