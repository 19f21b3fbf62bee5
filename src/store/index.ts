export { createTouchlog, type Touchlog, type TouchlogOptions, type LinkedRecord } from './touchlog.js';
export type { RecordResult, RecordOutcome, ValidInputs, WritableModel } from './write-records.js';
export type { RecordOptions, UpdateOptions, LinkTarget } from './collection.js';
export { RecordCollection } from './collection.js';
export { Customers } from './customers.js';
export { Interactions, type TransitionOptions } from './interactions.js';
export { Communications } from './communications.js';
export { Finance } from './finance.js';
export { FollowUps, type FollowUpCloseOptions } from './follow-ups.js';
export type { ListFilter, OneOrMany } from './filters.js';
export type { Page, PageOptions } from './cursor.js';
export type { TimelineApi, TimelineEntry, TimelineOptions } from './timeline.js';
export { TIMELINE_KINDS, type TimelineKind, type StoredRecord, type HistoryModel, type StoredModels } from './model-specs.js';
export { ERASED, type AuditApi, type AuditPage } from './audit-api.js';
export type { IngestItem, IngestOptions, IngestProgress, IngestRejection, IngestReport } from './ingest.js';
export type { ChangeEvent, ChangeListener } from './events.js';
export type { ResolveOptions } from './resolve.js';
export {
  INTERACTION_TRANSITIONS,
  FOLLOW_UP_TRANSITIONS,
  DELIVERY_TRANSITIONS,
  DISPUTE_TRANSITIONS,
  type StateMachine,
} from './state-machines.js';
export type { SlaApi, SlaReportOptions } from './sla-api.js';
export { LEGAL_HOLD_TAG, type RetentionApi, type RetentionPolicy, type PurgeOptions, type PurgeReport } from './retention.js';
export type { ErasureReport, MergeOptions, MergeResult } from './customers.js';
export { DisputeResolutionSchema, type DisputeResolutionInput } from './finance.js';
export type { DedupeOptions, MergedCopy } from './dedupe.js';
export type { Change, ChangeModel, ChangePage, ChangesApi, ChangesOptions, ChangeStreamOptions } from './changes.js';
export {
  sourceDigestOf,
  type ReconcileApi,
  type ReconcileCounts,
  type ReconcileDifference,
  type ReconcileOptions,
  type ReconcileReport,
  type ReconcileSource,
  type ReconcileSummary,
  type SourceItem,
  type SourceModel,
} from './reconcile.js';
