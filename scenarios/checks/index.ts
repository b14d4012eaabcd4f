/**
 * The check registry: one entry per kind, one module per kind (the scenario schema lists the
 * same kinds with their fields under $defs/check.<kind>).
 */
import { answerEquals, answerMatches } from './answer.js';
import type { CheckKind, CheckSpec } from './check.js';
import { collectionEquals } from './collection-equals.js';
import { customCheck } from './custom.js';
import { execCheck } from './exec.js';
import { fileContains } from './file-contains.js';
import { fileExists } from './file-exists.js';
import { fileMatches } from './file-matches.js';
import { httpCalled } from './http-called.js';
import { httpNotCalled } from './http-not-called.js';
import { jsonPathCheck } from './json-path.js';
import { jsonSchemaCheck } from './json-schema.js';
import { kvEquals } from './kv-equals.js';
import { llmCalled } from './llm-called.js';
import { noSideEffects } from './no-side-effects.js';
import { requestsPaced } from './requests-paced.js';
import { timelineContains } from './timeline-contains.js';

export type { CheckContext, CheckKind, CheckResult, CheckSpec } from './check.js';
export type { CustomCheckFunction } from './custom.js';

const KINDS = [
  fileExists,
  fileContains,
  fileMatches,
  jsonPathCheck,
  jsonSchemaCheck,
  execCheck,
  httpCalled,
  httpNotCalled,
  collectionEquals,
  timelineContains,
  kvEquals,
  noSideEffects,
  answerEquals,
  answerMatches,
  requestsPaced,
  llmCalled,
  customCheck,
] as CheckKind[];

/** Every check kind by name. */
export const checkKinds: ReadonlyMap<string, CheckKind<CheckSpec>> = new Map(KINDS.map((k) => [k.kind, k]));
