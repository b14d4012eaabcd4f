import { defineCheck, fail, pass, type CheckSpec } from './check.js';

export interface FileExistsSpec extends CheckSpec {
  path: string;
  exists?: boolean;
}

/** A file exists (or, with `exists: false`, does not) in the final world. */
export const fileExists = defineCheck<FileExistsSpec>({
  kind: 'file_exists',
  run(spec, { world }) {
    const want = spec.exists ?? true;
    const present = world.fs.exists(spec.path) && world.fs.stat(spec.path).type === 'file';
    if (present === want) return pass(want ? `${spec.path} exists` : `${spec.path} is absent`);
    return fail(want ? `${spec.path} does not exist in the final world` : `${spec.path} exists but must not`);
  },
});
