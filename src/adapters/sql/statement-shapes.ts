import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { TouchlogTables } from './tables.js';

/** Distinct statement shapes kept per adapter. */
const MAX_SHAPES = 256;

/**
 * Bulk statements without rebuilding them every time. A bulk statement's SQL depends only on its
 * shape (which statement, how many rows); Kysely builds and compiles it once per shape, and later
 * batches of that shape reuse the SQL text with fresh values, which also lets SQLite reuse its
 * prepared statement. On the ingest path this saves building and compiling thousands of query
 * nodes per batch.
 */
export class StatementShapes {
  private readonly texts = new Map<string, string>();

  /**
   * Runs the statement of `shape` with `parameters`. `compile` builds it (with the same values)
   * when the shape is new; its parameters must be exactly `parameters`, in order.
   */
  async execute<R>(db: Kysely<TouchlogTables>, shape: string, parameters: readonly unknown[], compile: () => CompiledQuery<R>): Promise<QueryResult<R>> {
    let text = this.texts.get(shape);
    if (text === undefined) {
      const compiled = compile();
      if (compiled.parameters.length !== parameters.length || compiled.parameters.some((value, i) => value !== parameters[i])) {
        throw new Error(`statement shape ${shape} binds its values in an unexpected order`);
      }
      text = compiled.sql;
      if (this.texts.size < MAX_SHAPES) this.texts.set(shape, text);
    }
    return db.executeQuery(CompiledQuery.raw(text, [...parameters]) as CompiledQuery<R>);
  }

  /**
   * A multi-row INSERT of `rows` rows into `table`, binding `columns` in this order: `parameters`
   * holds the rows' values one row after another. Callers build the values themselves, each for
   * its own table, so that this stays one shape of code for the engine (a generic reader of row
   * objects of every table was deoptimised and recompiled hundreds of times per ingest).
   */
  async insertRows<T extends keyof TouchlogTables & string>(
    db: Kysely<TouchlogTables>,
    table: T,
    columns: readonly (keyof TouchlogTables[T] & string)[],
    rows: number,
    parameters: readonly unknown[],
  ): Promise<void> {
    if (rows === 0) return;
    await this.execute(db, `insert:${table}:${rows}`, parameters, () => {
      const width = columns.length;
      const values = Array.from({ length: rows }, (_, row) => Object.fromEntries(columns.map((column, i) => [column, parameters[row * width + i]])));
      return db.insertInto(table).values(values as never).compile();
    });
  }
}
