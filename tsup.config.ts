import { defineConfig } from 'tsup';

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
};

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    treeshake: true,
  },
]);
