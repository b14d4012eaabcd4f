import { join } from 'node:path';
import { packageInfo } from '../../../kernel/package-root.js';
import { makeUnwrapped } from '../../../gym/make.js';
import type { Grader } from '../../../gym/scenario.js';
import { grade, loadScenario } from '../../../scenarios/index.js';
import type { MicroSuite } from '../suite.js';

/** gym reset and step on the built-in file-repair scenario, in-process. */
export const gymSuite: MicroSuite = {
  group: 'gym',
  async setup() {
    const scenario = await loadScenario(join(packageInfo().root, 'scenarios', 'file-repair'));
    const env = await makeUnwrapped({ id: scenario.id, scenario, grade: grade as unknown as Grader });
    let seed = 0;
    await env.reset({ seed: 0 });
    return {
      tasks: [
        { name: 'reset (per-seed snapshot)', fn: () => env.reset({ seed: seed++ % 20 }) },
        {
          name: 'step list_dir',
          fn: async () => {
            const { terminated, truncated } = await env.step({ tool: 'list_dir', args: { path: '/data' } });
            if (terminated || truncated) await env.reset({ seed: 0 });
          },
        },
      ],
      async teardown() {
        await env.close();
      },
    };
  },
};
