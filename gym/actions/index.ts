import { TOOL_NAMES, type ToolName } from '../tools.js';
import type { JsonSchema } from '../spaces.js';
import type { ToolHandler } from './action.js';
import { exec } from './exec.js';
import { deletePath, listDir, readFile, writeFile } from './files.js';
import { http } from './http.js';
import { recv, send } from './mail.js';
import { submit } from './submit.js';
import { think } from './think.js';
import { sleep } from './time.js';

export { ToolFailureError, emptyUsage, type ToolContext, type ToolHandler, type ToolUsage, type Mailroom, type ExecRequest, type ExecOutcome } from './action.js';

/** Every tool, by name: one table, one file per kind. */
export const TOOLS: { [K in ToolName]: ToolHandler<K> } = {
  read_file: readFile,
  write_file: writeFile,
  list_dir: listDir,
  delete: deletePath,
  exec,
  http,
  sleep,
  think,
  send,
  recv,
  submit,
};

/** Hints that make sampled actions plausible (paths of the world, hosts of its routes). */
export interface ActionHints {
  paths?: string[];
  urls?: string[];
  agents?: string[];
}

/**
 * The action schema for a set of tools: `{ tool, args }`, one `oneOf` branch per tool.
 * Hints become `examples`, which `Space.sample` draws from.
 */
export function actionSchema(tools: readonly ToolName[] = TOOL_NAMES, hints: ActionHints = {}): JsonSchema {
  const branches = TOOL_NAMES.filter((name) => tools.includes(name)).map((name) => {
    const args = structuredClone(TOOLS[name].args) as { properties: Record<string, Record<string, unknown>> };
    const props = args.properties;
    if (hints.paths?.length && props.path) props.path.examples = hints.paths;
    if (props.url) props.url.examples = hints.urls?.length ? hints.urls : ['http://example.invalid/'];
    if (hints.agents?.length && props.to) props.to.examples = hints.agents;
    if (props.command) props.command.examples = ['ls', 'cat', 'true', 'false'];
    if (props.ms) props.ms.examples = [0, 1000, 60_000, 3_600_000];
    if (props.timeout_ms) props.timeout_ms.examples = [1000, 5000];
    return {
      type: 'object',
      title: name,
      description: TOOLS[name].description,
      properties: { tool: { const: name }, args },
      required: ['tool', 'args'],
      additionalProperties: false,
    };
  });
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Clove gym action', oneOf: branches };
}
