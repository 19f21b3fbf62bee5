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
export { createScoreApi, type ScoreApi, type TenantCustomerScore, type TenantPassOptions, type Worklist } from './store/score-api.js';
export * from './forecast/index.js';
export * from './lifetime-value/index.js';
export { createForecastApi, type ForecastApi, type StoreBacktestOptions, type StoreForecastOptions, type StoredCustomerForecast, type TenantForecastOptions } from './store/forecast-api.js';
export {
  createLifetimeValueApi,
  type CustomerLifetimeValueRow,
  type CustomerSummaryRow,
  type LifetimeValueApi,
  type LifetimeValueFit,
  type PurchaseOptions,
  type StoreLifetimeValueOptions,
  type StoreRetentionOptions,
  type TenantLifetimeValue,
} from './store/lifetime-value-api.js';
export type { TenantPassSelection } from './store/tenant-histories.js';
export * from './classification/index.js';
export * from './sla/index.js';
export * from './compliance/index.js';
export { compareUtf8 } from './adapters/byte-order.js';
