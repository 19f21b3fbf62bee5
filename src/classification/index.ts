export {
  ruleClassifier,
  ClassificationRuleSchema,
  type Classification,
  type ClassificationRule,
  type Classifier,
  type RuleClassifier,
  type ClassifiableRecord,
  type RuleClassifierOptions,
} from './rules.js';
