export { findTimes } from './find-times.js';
export { type LexRule, type TimeRules, timeRuleSets, timeRules } from './time-rules.js';
export type { FoundTime, TimeContext, TimeProblem } from './types.js';
