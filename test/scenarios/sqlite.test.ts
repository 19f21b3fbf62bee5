import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { sqliteAdapter } from 'touchlog/sqlite';
import { describeSeedScenarios } from './seed-scenarios.js';

const dir = mkdtempSync(join(tmpdir(), 'touchlog-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeSeedScenarios('sqlite', () => sqliteAdapter({ filename: join(dir, `scenario-${n++}.db`) }));
