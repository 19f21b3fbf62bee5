export {
  ERASED_ADDRESS,
  ERASED_TEXT,
  eraseCommunication,
  eraseCustomer,
  eraseFinancialRecord,
  eraseFollowUp,
  eraseInteraction,
} from './erasure.js';
