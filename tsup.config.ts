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
  interop: 'src/interop/index.ts',
};

export default defineConfig([
  {
    entry: entries,
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    // Everything but the command, which the second build writes.
    clean: ['!cli.js', '!cli.js.map'],
    target: 'node20',
    platform: 'node',
    treeshake: true,
  },
  {
    // The `touchlog` command (package.json `bin`): one ESM file, run directly by node.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    splitting: false,
    sourcemap: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
