/** Access to the test PostgreSQL server (see test/global-setup-postgres.ts), one schema per use. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/** The server's URL; throws (failing the test, never skipping it) when the server did not start. */
export function postgresUrl(): string {
  const server = inject('postgres');
  if ('error' in server) throw new Error(server.error);
  return server.url;
}

/** A schema name no other test uses. */
export const freshSchema = (label: string) => `t_${label}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;

/** Runs statements as the connecting (admin) user on a short-lived client. */
export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

/** Drops schemas created by a test file. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  await adminQuery(schemas.map((schema) => `drop schema if exists "${schema}" cascade`).join('; '));
}
