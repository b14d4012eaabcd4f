import { defineCheck, fail, pass, show, type CheckSpec } from './check.js';
import { readWorldText } from './file-text.js';

export interface FileMatchesSpec extends CheckSpec {
  path: string;
  pattern: string;
  flags?: string;
}

/** A file's content matches a regular expression. */
export const fileMatches = defineCheck<FileMatchesSpec>({
  kind: 'file_matches',
  run(spec, { world }) {
    const read = readWorldText(world, spec.path);
    if ('error' in read) return fail(read.error);
    const re = new RegExp(spec.pattern, spec.flags ?? '');
    if (re.test(read.text)) return pass(`${spec.path} matches /${spec.pattern}/${spec.flags ?? ''}`);
    return fail(`${spec.path} does not match /${spec.pattern}/${spec.flags ?? ''} (content starts ${show(read.text, 160)})`);
  },
});
