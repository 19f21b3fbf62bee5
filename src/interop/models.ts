import type { IngestItem } from '../store/ingest.js';

/** A model that can be imported: the `model` of an ingest item. */
export type IngestModel = IngestItem['model'];

/** Every importable model, in the order `log.ingest` writes them within a batch. */
export const INGEST_MODELS: readonly IngestModel[] = Object.freeze(['customer', 'financialRecord', 'interaction', 'communication', 'followUp']);

/** `true` for the name of an importable model. */
export function isIngestModel(value: unknown): value is IngestModel {
  return typeof value === 'string' && (INGEST_MODELS as readonly string[]).includes(value);
}
