/** Pipeline stage 1, parser: splits the task's arithmetic into tokens. */
import { runStage, type Work } from './stage.js';

const TOKEN = /\s*(\d+(?:\.\d+)?|[-+*/()])/y;

function parse(work: Work): Partial<Work> {
  const text = work.task.trimEnd();
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`cannot parse ${JSON.stringify(work.task)} at position ${at}`);
    tokens.push(match[1]!);
  }
  return { tokens };
}

await runStage('parser', parse);
