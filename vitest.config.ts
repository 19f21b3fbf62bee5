import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the public entry points by their package names, as users do.
    alias: [
      { find: /^touchlog$/, replacement: src('index.ts') },
      { find: /^touchlog\/memory$/, replacement: src('adapters/memory/index.ts') },
      { find: /^touchlog\/sqlite$/, replacement: src('adapters/sqlite/index.ts') },
      { find: /^touchlog\/postgres$/, replacement: src('adapters/postgres/index.ts') },
      { find: /^touchlog\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // .ci/run derives its closing "N passed, N failed" line from this JSON report.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
  },
});
