import type { JsonSchema } from './spaces.js';
import type { Task, ToolFailure, ToolName, ToolResults } from './tools.js';

/**
 * What the agent sees. After reset: the task. After a step: the tool's result, or the tool's
 * failure (a missing file, a blocked host: observations, as for a real agent). `time` is the
 * world clock (epoch ms).
 */
export type Observation =
  | { type: 'task'; task: Task; time: number }
  | { [K in ToolName]: { type: 'result'; tool: K; result: ToolResults[K]; time: number } }[ToolName]
  | { type: 'failure'; tool: ToolName; error: ToolFailure; time: number };

/** JSON Schema of {@link Observation}. */
export function observationSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Clove gym observation',
    oneOf: [
      {
        type: 'object',
        properties: {
          type: { const: 'task' },
          task: {
            type: 'object',
            properties: {
              scenario: { type: 'string' },
              seed: { type: 'integer' },
              text: { type: 'string' },
              tools: { type: 'array', items: { type: 'string' } },
              agent: { type: 'string' },
              data: { type: 'object' },
            },
            required: ['scenario', 'seed', 'text', 'tools', 'agent'],
          },
          time: { type: 'number' },
        },
        required: ['type', 'task', 'time'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: { type: { const: 'result' }, tool: { type: 'string' }, result: { type: 'object' }, time: { type: 'number' } },
        required: ['type', 'tool', 'result', 'time'],
        additionalProperties: false,
      },
      {
        type: 'object',
        properties: {
          type: { const: 'failure' },
          tool: { type: 'string' },
          error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } }, required: ['code', 'message'] },
          time: { type: 'number' },
        },
        required: ['type', 'tool', 'error', 'time'],
        additionalProperties: false,
      },
    ],
  };
}
