import { deepEqual } from '../internal/deep.js';
import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';

export interface AnswerEqualsSpec extends CheckSpec {
  equals: unknown;
  ignore_case?: boolean;
  trim?: boolean;
}

export interface AnswerMatchesSpec extends CheckSpec {
  pattern: string;
  flags?: string;
}

function answerText(answer: unknown): string {
  return typeof answer === 'string' ? answer : JSON.stringify(answer);
}

/** The submitted answer equals a value (strings trimmed by default; optionally case-insensitive). */
export const answerEquals = defineCheck<AnswerEqualsSpec>({
  kind: 'answer_equals',
  run(spec, { submitted, answer }) {
    if (!submitted) return fail(`no answer was submitted (expected ${show(spec.equals)})`);
    let got = answer;
    let want = spec.equals;
    if (typeof got === 'string' && typeof want === 'string') {
      if (spec.trim !== false) [got, want] = [got.trim(), want.trim()];
      if (spec.ignore_case === true) [got, want] = [(got as string).toLowerCase(), (want as string).toLowerCase()];
    }
    return deepEqual(got, want) ? pass(`the answer is ${show(spec.equals)}`) : fail(`the answer is ${show(answer)}, expected ${show(spec.equals)}`);
  },
});

/** The submitted answer, as text, matches a regular expression. */
export const answerMatches = defineCheck<AnswerMatchesSpec>({
  kind: 'answer_matches',
  run(spec, { submitted, answer }) {
    if (!submitted) return fail(`no answer was submitted (expected one matching /${spec.pattern}/)`);
    const text = answerText(answer);
    return new RegExp(spec.pattern, spec.flags ?? '').test(text)
      ? pass(`the answer matches /${spec.pattern}/${spec.flags ?? ''}`)
      : fail(`the answer ${show(text)} does not match /${spec.pattern}/${spec.flags ?? ''}`);
  },
});
