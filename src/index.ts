/**
 * touchlog: a typed, auditable record of every customer interaction, linked to the money involved.
 *
 * @packageDocumentation
 */
export * from './errors/index.js';
export * from './models/index.js';
export * from './validation/index.js';
export * from './store/index.js';
export type { AuditHead, AuditProblem, AuditVerification } from './audit/verify.js';
export { canonicalJson } from './audit/canonical-json.js';
export * from './adapters/contract.js';
export * from './timeline/index.js';
export * from './scoring/index.js';
export * from './classification/index.js';
export * from './sla/index.js';
export * from './compliance/index.js';
export { compareUtf8 } from './adapters/byte-order.js';
