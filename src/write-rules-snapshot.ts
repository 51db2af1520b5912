/**
 * Run by `npm run build` after tsc: validates the shipped rules (a broken rule fails the build, naming file
 * and line) and writes dist/rules-snapshot.json, which start-ups use while the rules are unchanged.
 */
import { DEFAULT_RULES_DIR, writeRulesSnapshot } from './rule-engine/load-rules.js';
import { SHIPPED_SNAPSHOT } from './rule-engine/rules-snapshot.js';

writeRulesSnapshot(DEFAULT_RULES_DIR, SHIPPED_SNAPSHOT);
