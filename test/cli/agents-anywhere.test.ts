import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DIST, ROOT, withDaemon, type Daemon } from '../helpers/cli.js';

// Node agents written outside the checkout, as a user writes them: `import ... from 'clove/sdk'`
// and top-level await, in every extension the kernel runs with node.

let daemon: Daemon;
let away: string;
beforeAll(async () => {
  away = mkdtempSync(join(tmpdir(), 'clove-my-agents-'));
  if (!NO_DIST) daemon = await withDaemon();
});
afterAll(async () => {
  await daemon?.stop();
  rmSync(away, { recursive: true, force: true });
});

const AGENT = `import { runAgent } from 'clove/sdk';
const greeting = await Promise.resolve('top-level await');
await runAgent(async (clove) => {
  console.log(\`\${greeting}: \${String(await clove.echo('from anywhere'))}\`);
});
`;

describe.skipIf(NO_DIST)('node agents outside the checkout', () => {
  it.each(['ts', 'mts', 'js', 'mjs'])('runs a .%s agent that imports clove/sdk and awaits at top level', async (ext) => {
    const script = join(away, `my-agent.${ext}`);
    writeFileSync(script, ext.endsWith('ts') ? AGENT.replace("const greeting =", 'const greeting: string =') : AGENT);
    const run = await daemon.cli(['agent', 'run', script, '--wait'], { cwd: away });
    expect(run.stderr).toMatch(/ended: exit 0\n$/);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('top-level await: from anywhere\n');
  });

  it('runs the README world agent copied out of the checkout', async () => {
    copyFileSync(join(ROOT, 'examples', 'agents', 'world', 'summarise.ts'), join(away, 'summarise.ts'));
    expect((await daemon.cli(['world', 'create', join(ROOT, 'worlds', 'examples', 'flaky-api.yaml')])).code).toBe(0);
    const run = await daemon.cli(['agent', 'run', 'summarise.ts', '--world', 'flaky-api', '--wait'], { cwd: away });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/wrote \/project\/out\/summary\.txt: 2 open; slept 60000 ms of world time\n$/);
  });
});
