import type { ScriptedAgent } from '../../gym/tools.js';

/** What each function of calc.js must do (the reference agent knows arithmetic). */
const CORRECT: Record<string, string> = {
  add: 'return a + b;',
  subtract: 'return a - b;',
  multiply: 'return a * b;',
  average: 'return xs.reduce((sum, x) => sum + x, 0) / xs.length;',
  clamp: 'return Math.min(hi, Math.max(lo, x));',
};

/** Runs the tests, reads which function fails, rewrites that function's body, checks the suite passes. */
const reference: ScriptedAgent = async (tools) => {
  const first = await tools.exec('node', ['test/calc.test.js'], { cwd: '/project' });
  const failing = new Set([...first.stdout.matchAll(/^FAIL (\w+)\(/gm)].map((m) => m[1] ?? ''));
  let source = await tools.readFile('/project/src/calc.js');
  for (const name of failing) {
    const body = CORRECT[name];
    if (body === undefined) continue;
    source = source.replace(new RegExp(`(function ${name}\\([^)]*\\) \\{\\n)[^\\n]*\\n`), `$1  ${body}\n`);
  }
  await tools.writeFile('/project/src/calc.js', source);
  const after = await tools.exec('node', ['test/calc.test.js'], { cwd: '/project' });
  await tools.submit(after.exit_code === 0 ? 'fixed' : `still failing: ${after.stdout}`);
};

export default reference;
