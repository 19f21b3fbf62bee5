/**
 * The published package, as users install it: `npm pack`, unpacked into a temporary project, and
 * every subpath imported from ESM and required from CommonJS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const subpaths = ['touchlog', 'touchlog/memory', 'touchlog/sqlite', 'touchlog/postgres', 'touchlog/testing', 'touchlog/interop'];
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'touchlog-pack-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, 'touchlog'), { recursive: true });
  execFileSync('tar', ['-xzf', join(project, packed), '-C', join(modules, 'touchlog'), '--strip-components=1']);
  // Dependencies come from this checkout's install, as a package manager would provide them.
  for (const entry of readdirSync(join(root, 'node_modules'))) {
    if (entry !== 'touchlog' && !entry.startsWith('.')) symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}, 240_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const run = (file: string, source: string) => {
  writeFileSync(join(project, file), source);
  return execFileSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
};

describe('the packed tarball', () => {
  it.each(subpaths)('imports %s from ESM', (subpath) => {
    const out = run('esm.mjs', `const m = await import(${JSON.stringify(subpath)}); console.log(Object.keys(m).sort().join(','));`);
    expect(out.trim().length).toBeGreaterThan(0);
  });

  it.each(subpaths)('requires %s from CommonJS', (subpath) => {
    const out = run('cjs.cjs', `const m = require(${JSON.stringify(subpath)}); console.log(Object.keys(m).sort().join(','));`);
    expect(out.trim().length).toBeGreaterThan(0);
  });

  it('works end to end from CommonJS and shares one core between entry points', () => {
    const out = run(
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
    expect(run('pkg.cjs', `console.log(require('touchlog/package.json').name)`).trim()).toBe('touchlog');
  });
});
