/**
 * Pipeline stage 3, verifier: recomputes the task from its original text, independently of the
 * parser and reasoner (a recursive-descent evaluator), and reports whether the reasoner's answer holds.
 */
import { runStage, type Work } from './stage.js';

function evaluate(text: string): number {
  let pos = 0;
  const peek = () => text.slice(pos).trimStart()[0];
  const take = (c: string) => {
    pos = text.length - text.slice(pos).trimStart().length;
    if (text[pos] !== c) throw new Error(`expected '${c}' at position ${pos} of ${JSON.stringify(text)}`);
    pos++;
  };
  const factor = (): number => {
    if (peek() === '-') {
      take('-');
      return -factor();
    }
    if (peek() === '(') {
      take('(');
      const value = sum();
      take(')');
      return value;
    }
    const match = /^\s*(\d+(?:\.\d+)?)/.exec(text.slice(pos));
    if (!match) throw new Error(`not plain arithmetic at position ${pos} of ${JSON.stringify(text)}`);
    pos += match[0].length;
    return Number(match[1]);
  };
  const product = (): number => {
    let value = factor();
    for (let op = peek(); op === '*' || op === '/'; op = peek()) {
      take(op);
      value = op === '*' ? value * factor() : value / factor();
    }
    return value;
  };
  const sum = (): number => {
    let value = product();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      take(op);
      value = op === '+' ? value + product() : value - product();
    }
    return value;
  };
  const value = sum();
  if (peek() !== undefined) throw new Error(`unexpected '${peek()}' in ${JSON.stringify(text)}`);
  return value;
}

function verify(work: Work): Partial<Work> {
  const expected = evaluate(work.task);
  return { expected, verified: Math.abs(expected - (work.answer ?? NaN)) < 1e-9 };
}

await runStage('verifier', verify);
