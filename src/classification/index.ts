export {
  ruleClassifier,
  ClassificationRuleSchema,
  type Classification,
  type ClassificationRule,
  type Classifier,
  type ClassifiableRecord,
  type RuleClassifierOptions,
} from './rules.js';
