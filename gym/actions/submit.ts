import { tool } from './action.js';

export const submit = tool({
  name: 'submit',
  description: 'Declares the task done, with an optional answer; ends the episode.',
  args: { type: 'object', properties: { answer: {} }, additionalProperties: false },
  async run(ctx, args) {
    if (args.answer !== undefined) ctx.outputs.push(typeof args.answer === 'string' ? args.answer : JSON.stringify(args.answer));
    ctx.submit(args.answer);
    return { accepted: true };
  },
});
