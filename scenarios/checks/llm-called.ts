import { asList, defineCheck, fail, pass, show, type CheckSpec } from './check.js';
import { readWorldText } from './file-text.js';

export interface LlmCalledSpec extends CheckSpec {
  prompt_contains?: string | string[];
  min_count?: number;
  reply_in_file?: string;
}

/** THINK was called with a prompt holding the given strings; with reply_in_file, a reply was written to that file. */
export const llmCalled = defineCheck<LlmCalledSpec>({
  kind: 'llm_called',
  run(spec, ctx) {
    const wanted = asList(spec.prompt_contains);
    const matching = ctx.llmPrompts.filter((p) => wanted.every((w) => p.includes(w)));
    const min = spec.min_count ?? 1;
    if (matching.length < min) {
      return fail(`expected at least ${min} THINK call(s) with a prompt containing ${wanted.map((w) => show(w, 60)).join(', ') || 'anything'}, found ${matching.length} of ${ctx.llmPrompts.length} call(s)`);
    }
    if (spec.reply_in_file !== undefined) {
      if (ctx.llmReplies === undefined) return fail('the harness recorded no LLM replies (GradeContext.llmReplies), so reply_in_file cannot be judged');
      const read = readWorldText(ctx.world, spec.reply_in_file);
      if ('error' in read) return fail(read.error);
      const text = read.text.trim();
      if (!ctx.llmReplies.some((r) => r.trim() === text)) {
        return fail(`${spec.reply_in_file} holds ${show(read.text, 120)}, which is none of the ${ctx.llmReplies.length} THINK replies`);
      }
    }
    return pass(`${matching.length} THINK call(s) with the expected prompt${spec.reply_in_file === undefined ? '' : `; ${spec.reply_in_file} holds a reply`}`);
  },
});
