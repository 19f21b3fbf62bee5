/** The CDNOW cohort summary (test/fixtures/cdnow): 2,357 customers, x, tₓ, T in weeks, mean repeat value in USD. */
import { readFileSync } from 'node:fs';

export interface CdnowRow {
  readonly id: number;
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly zbar: number;
}

export function cdnow(): CdnowRow[] {
  const text = readFileSync(new URL('../fixtures/cdnow/cdnow-summary.csv', import.meta.url), 'utf8');
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== 'ID,x,t_x,T,zbar') throw new Error(`unexpected CDNOW header: ${header}`);
  return lines.map((line) => {
    const [id, x, tx, T, zbar] = line.split(',').map(Number);
    return { id: id!, x: x!, tx: tx!, T: T!, zbar: zbar! };
  });
}

/** The published fits (FHL 2005; Fader & Hardie note 025). */
export const PUBLISHED = {
  bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
} as const;
