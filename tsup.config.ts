import { defineConfig, type Options } from 'tsup';

/**
 * One bundle per public entry point. Code shared between entries lands in shared chunks (also for
 * CommonJS), so `touchlog` and `touchlog/sqlite` loaded together share one copy of the core.
 */
export const entries = {
  index: 'src/index.ts',
  memory: 'src/adapters/memory/index.ts',
  sqlite: 'src/adapters/sqlite/index.ts',
  postgres: 'src/adapters/postgres/index.ts',
  testing: 'src/testing/index.ts',
  interop: 'src/interop/index.ts',
};

const common = {
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // No source maps in the package: the bundles are plain, unminified JavaScript that reads like
  // the source (names and comments kept), and maps would more than double the tarball.
  sourcemap: false,
} satisfies Options;

// The three builds run in parallel: each cleans only the files it writes.
export default defineConfig([
  {
    ...common,
    // ESM: the entry points and the `touchlog` command (package.json `bin`; its `#!/usr/bin/env
    // node` line is the first line of src/cli/index.ts) in one build, so that they share chunks.
    // The command imports the SQLite and PostgreSQL adapters dynamically: each lands in a chunk of
    // its own, so its driver (better-sqlite3, pg, kysely) loads only when a command opens that
    // kind of database, and a missing one is a message naming the package to install.
    entry: { ...entries, cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    clean: ['!**/*.cjs', '!**/*.d.ts', '!**/*.d.cts'],
  },
  {
    ...common,
    entry: entries,
    format: ['cjs'],
    dts: false,
    clean: ['!**/*.js', '!**/*.d.ts', '!**/*.d.cts'],
  },
  {
    // The declarations of both formats, from one type-check.
    entry: entries,
    format: ['esm', 'cjs'],
    dts: { only: true },
    clean: ['!**/*.js', '!**/*.cjs'],
  },
]);
