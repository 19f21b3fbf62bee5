/**
 * `npm run demo`: builds the demo data set into an embedded SQLite file and shows what touchlog
 * makes of it. The same as `touchlog demo`.
 */
import { mkdirSync } from 'node:fs';
import { runDemo } from '../src/demo/run.js';

mkdirSync('.demo', { recursive: true });
await runDemo({ filename: '.demo/touchlog-demo.db', write: (line) => console.log(line), json: process.argv.includes('--json') });
