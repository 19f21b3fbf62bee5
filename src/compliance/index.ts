export {
  ERASED_ADDRESS,
  ERASED_TEXT,
  eraseCommunication,
  eraseCustomer,
  eraseFinancialRecord,
  eraseFollowUp,
  eraseInteraction,
} from './erasure.js';
export { createPseudonymiser, ERASED_ID_PREFIX, isErasedId, newPseudonymSecret, type Pseudonymiser } from './pseudonyms.js';
