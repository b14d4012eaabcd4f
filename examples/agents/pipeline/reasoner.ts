/**
 * Pipeline stage 2, reasoner: works out the answer from the parser's tokens (operator precedence,
 * parentheses), showing its steps.
 */
import { runStage, type Work } from './stage.js';

const PRECEDENCE: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };
const APPLY: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

function reason(work: Work): Partial<Work> {
  const values: number[] = [];
  const ops: string[] = [];
  const steps: string[] = [];
  const reduceOnce = () => {
    const op = ops.pop()!;
    const b = values.pop()!;
    const a = values.pop()!;
    values.push(APPLY[op]!(a, b));
    steps.push(`${a} ${op} ${b} = ${values.at(-1)}`);
  };
  for (const token of work.tokens ?? []) {
    if (token === '(') ops.push(token);
    else if (token === ')') {
      while (ops.at(-1) !== '(') reduceOnce();
      ops.pop();
    } else if (token in PRECEDENCE) {
      while (ops.length > 0 && ops.at(-1) !== '(' && PRECEDENCE[ops.at(-1)!]! >= PRECEDENCE[token]!) reduceOnce();
      ops.push(token);
    } else values.push(Number(token));
  }
  while (ops.length > 0) reduceOnce();
  return { answer: values[0]!, steps };
}

await runStage('reasoner', reason);
