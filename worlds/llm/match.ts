import type { LlmMessage } from '../../sdk/types.js';
import type { LlmMatchDefinition } from '../schema.js';
import type { WorldLlmRequest } from './request.js';

/** The text of a message without images (tool calls as `name(args)`). */
export function messageText(message: LlmMessage | undefined): string {
  if (!message) return '';
  const content = message.content;
  let text = typeof content === 'string' ? content : content === null ? '' : content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
  if (message.tool_calls?.length) text += (text ? '\n' : '') + message.tool_calls.map((c) => `${c.name}(${JSON.stringify(c.arguments)})`).join('\n');
  return text;
}

/** The whole conversation as text, one `role: text` paragraph per message: what graders search. */
export function conversationText(request: WorldLlmRequest): string {
  return request.messages.map((m) => `${m.role}: ${messageText(m)}`).join('\n');
}

function lastOf(request: WorldLlmRequest, role?: LlmMessage['role']): LlmMessage | undefined {
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const m = request.messages[i]!;
    if (role === undefined || m.role === role) return m;
  }
  return undefined;
}

function target(request: WorldLlmRequest, where: NonNullable<LlmMatchDefinition['in']>): string {
  switch (where) {
    case 'last_user':
      return messageText(lastOf(request, 'user'));
    case 'last_message':
      return messageText(lastOf(request));
    case 'last_tool':
      return messageText(lastOf(request, 'tool'));
    case 'conversation':
      return conversationText(request);
    case 'system':
      return request.messages
        .filter((m) => m.role === 'system')
        .map(messageText)
        .join('\n');
    case 'tools':
      return (request.tools ?? []).map((t) => t.name).join('\n');
  }
}

const SEGMENT = /\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\[["']([^"']+)["']\]/y;

/**
 * The value at a small JSONPath (`$`, `.key`, `['key']`, `[n]`, `[-1]` for the last element);
 * undefined when a step is missing. Throws on a path it cannot parse.
 */
export function jsonPath(root: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`json_path ${JSON.stringify(path)} must start with $`);
  let value = root;
  let at = 1;
  while (at < path.length) {
    SEGMENT.lastIndex = at;
    const m = SEGMENT.exec(path);
    if (!m) throw new Error(`json_path ${JSON.stringify(path)} cannot be read at position ${at} (use .key, ['key'], [n] or [-1])`);
    at = SEGMENT.lastIndex;
    if (value === null || value === undefined) return undefined;
    if (m[2] !== undefined) {
      if (!Array.isArray(value)) return undefined;
      const i = Number(m[2]);
      value = value[i < 0 ? value.length + i : i];
    } else {
      const key = m[1] ?? m[3]!;
      value = typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const regexCache = new Map<string, RegExp>();

export function compileRegex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source, 's');
    regexCache.set(source, re);
  }
  return re;
}

/**
 * Whether one condition holds for the request; a regex condition's groups are appended to
 * `groups` (for `{{1}}` in answers).
 */
export function matches(condition: LlmMatchDefinition, request: WorldLlmRequest, groups: string[]): boolean {
  let value: unknown;
  if (condition.json_path !== undefined) value = jsonPath(request, condition.json_path);
  else value = target(request, condition.in ?? 'last_user');
  let ok = true;
  if (condition.exists !== undefined) ok &&= (value !== undefined && value !== null && value !== '') === condition.exists;
  if (condition.equals !== undefined) ok &&= deepEqual(value, condition.equals);
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  if (condition.contains !== undefined) ok &&= text.includes(condition.contains);
  if (ok && condition.regex !== undefined) {
    const m = compileRegex(condition.regex).exec(text);
    ok = m !== null;
    if (m && !condition.not) groups.push(...m.slice(1).map((g) => g ?? ''));
  }
  return condition.not ? !ok : ok;
}
