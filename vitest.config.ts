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
      { find: /^touchlog\/interop$/, replacement: src('interop/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/helpers/setup.ts'],
    // Starts one PostgreSQL server per run (or uses TOUCHLOG_PG_URL) for the PostgreSQL tests.
    // Chromium for the browser test (installed with apt-get when missing and running as root).
    globalSetup: ['test/global-setup-postgres.ts', 'test/global-setup-chromium.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // .ci/run derives its closing "N passed, N failed" line from this JSON report.
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
  },
});
