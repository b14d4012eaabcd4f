import { describe, expect, it } from 'vitest';
import { NO_DIST, normalise, runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/kernel.js';

// `world validate` catches what `world create` would reject, with line:col (issue 9).

describe.skipIf(NO_DIST)('clove world validate: what create would reject', () => {
  it('names missing mount folders, paths given twice or as file and directory, with line and column', async ({ expect }) => {
    const { code, stderr } = await runCli(['world', 'validate', fixture('cli', 'worlds', 'conflicts.yaml')]);
    expect(code).toBe(1);
    expect(normalise(stderr)).toMatchInlineSnapshot(`
      "invalid World file <root>/test/fixtures/cli/worlds/conflicts.yaml is invalid (4 problems):
        - <root>/test/fixtures/cli/worlds/conflicts.yaml:10:15: /filesystem/mounts/0/host must be an existing host directory: <root>/test/fixtures/cli/worlds/no-such-folder does not exist (relative paths start at the world file's directory)
        - <root>/test/fixtures/cli/worlds/conflicts.yaml:8:17: /filesystem/directories/0 "/c" is given as a directory here and as a file at /filesystem/files/2/path
        - <root>/test/fixtures/cli/worlds/conflicts.yaml:8:25: /filesystem/directories/2 "/d" is given twice (also at /filesystem/directories/1)
        - <root>/test/fixtures/cli/worlds/conflicts.yaml:6:15: /filesystem/files/1/path "/a.txt/b" lies below "/a.txt", which is a file (/filesystem/files/0/path); a file needs a directory there
      Fix the fields listed above; the schema is worlds/schema/world.schema.json (see docs/worlds.md).
      "
    `);
  });

  it('suggests the key a misspelt one was meant to be', async () => {
    const { code, stderr } = await runCli(['world', 'validate', fixture('cli', 'worlds', 'invalid.yaml')]);
    expect(code).toBe(1);
    expect(stderr).toContain('must NOT have additional property "contnt" (did you mean "content"?)');
  });
});
