import { asList, defineCheck, fail, pass, show, type CheckSpec } from './check.js';
import { readWorldText } from './file-text.js';

export interface FileContainsSpec extends CheckSpec {
  path: string;
  text?: string | string[];
  absent?: string | string[];
  ignore_case?: boolean;
}

/** A file contains every string of `text` and none of `absent`. */
export const fileContains = defineCheck<FileContainsSpec>({
  kind: 'file_contains',
  run(spec, { world }) {
    const read = readWorldText(world, spec.path);
    if ('error' in read) return fail(read.error);
    const fold = (s: string): string => (spec.ignore_case === true ? s.toLowerCase() : s);
    const content = fold(read.text);
    const missing = asList(spec.text).filter((t) => !content.includes(fold(t)));
    if (missing.length > 0) return fail(`${spec.path} lacks ${missing.map((m) => show(m, 80)).join(', ')} (content starts ${show(read.text, 120)})`);
    const present = asList(spec.absent).filter((t) => content.includes(fold(t)));
    if (present.length > 0) return fail(`${spec.path} contains ${present.map((m) => show(m, 80)).join(', ')}, which must not be there`);
    return pass(`${spec.path} contains what it must (${asList(spec.text).length} strings) and nothing it must not`);
  },
});
