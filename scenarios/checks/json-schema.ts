import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { defineCheck, fail, pass, type CheckSpec } from './check.js';
import { readWorldJson } from './file-text.js';

export interface JsonSchemaSpec extends CheckSpec {
  path: string;
  schema?: Record<string, unknown>;
  schema_file?: string;
}

/** A JSON file validates against a JSON Schema (inline, or a file of the world). */
export const jsonSchemaCheck = defineCheck<JsonSchemaSpec>({
  kind: 'json_schema',
  run(spec, { world }) {
    let schema = spec.schema;
    if (schema === undefined) {
      if (spec.schema_file === undefined) return fail('the check names neither schema nor schema_file; give one of them');
      const loaded = readWorldJson(world, spec.schema_file);
      if ('error' in loaded) return fail(`schema_file: ${loaded.error}`);
      schema = loaded.value as Record<string, unknown>;
    }
    const read = readWorldJson(world, spec.path);
    if ('error' in read) return fail(read.error);
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    (addFormatsModule as unknown as (a: Ajv2020) => Ajv2020)(ajv);
    let validate;
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      return fail(`the schema does not compile: ${(error as Error).message}`);
    }
    if (validate(read.value)) return pass(`${spec.path} is valid against ${spec.schema_file ?? 'the inline schema'}`);
    const problems = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    return fail(`${spec.path} is invalid against ${spec.schema_file ?? 'the inline schema'}: ${problems.join('; ')}`);
  },
});
