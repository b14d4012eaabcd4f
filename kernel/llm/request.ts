import { bad, optEnum, optInt, optNum, optStr, type Args } from '../args.js';
import type { LlmContentPart, LlmMessage, LlmTool, LlmToolCall, LlmToolChoice, ThinkRequest, ThinkingLevel } from './provider.js';

const OP = 'THINK';
const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
const LEVELS: readonly ThinkingLevel[] = ['minimal', 'low', 'medium', 'high'];
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function image(value: unknown, field: string): LlmContentPart {
  if (!isObject(value)) throw bad(OP, field, 'an object {data: base64, mime_type: "image/png" | ...}', value);
  const data = value.data instanceof Uint8Array ? Buffer.from(value.data).toString('base64') : value.data;
  if (typeof data !== 'string' || data.length === 0 || !BASE64.test(data)) throw bad(OP, `${field}.data`, 'the image bytes in base64 (or raw bytes)', value.data);
  const mime = value.mime_type;
  if (typeof mime !== 'string' || !/^image\/[a-z0-9.+-]+$/i.test(mime)) throw bad(OP, `${field}.mime_type`, 'an image MIME type such as image/png or image/jpeg', mime);
  return { type: 'image', data, mime_type: mime };
}

function parts(value: unknown, field: string): string | LlmContentPart[] {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || value.length === 0) throw bad(OP, field, 'a string or a non-empty array of parts ({type: "text", text} or {type: "image", data, mime_type})', value);
  return value.map((p, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(p)) throw bad(OP, at, 'a part object', p);
    if (p.type === 'text') {
      if (typeof p.text !== 'string') throw bad(OP, `${at}.text`, 'a string', p.text);
      return { type: 'text' as const, text: p.text };
    }
    if (p.type === 'image') return image(p, at);
    throw bad(OP, `${at}.type`, '"text" or "image"', p.type);
  });
}

function toolCalls(value: unknown, field: string): LlmToolCall[] {
  if (!Array.isArray(value)) throw bad(OP, field, 'an array of {id, name, arguments}', value);
  return value.map((c, i) => {
    const at = `${field}[${i}]`;
    if (!isObject(c)) throw bad(OP, at, 'an object {id, name, arguments}', c);
    if (typeof c.id !== 'string' || !c.id) throw bad(OP, `${at}.id`, 'a non-empty string', c.id);
    if (typeof c.name !== 'string' || !TOOL_NAME.test(c.name)) throw bad(OP, `${at}.name`, 'a tool name', c.name);
    let args = c.arguments ?? {};
    if (typeof args === 'string') {
      try {
        args = JSON.parse(args);
      } catch {
        throw bad(OP, `${at}.arguments`, 'an object (or its JSON text)', c.arguments);
      }
    }
    if (!isObject(args)) throw bad(OP, `${at}.arguments`, 'an object', c.arguments);
    return { id: c.id, name: c.name, arguments: args };
  });
}

function message(value: unknown, i: number): LlmMessage {
  const at = `messages[${i}]`;
  if (!isObject(value)) throw bad(OP, at, 'an object {role, content}', value);
  const role = value.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) throw bad(OP, `${at}.role`, `one of ${ROLES.join(', ')}`, role);
  const m: LlmMessage = { role: role as LlmMessage['role'], content: null };
  if (role === 'assistant') {
    if (value.content !== undefined && value.content !== null) {
      if (typeof value.content !== 'string') throw bad(OP, `${at}.content`, 'a string or null', value.content);
      m.content = value.content;
    }
    if (value.tool_calls !== undefined && value.tool_calls !== null) m.tool_calls = toolCalls(value.tool_calls, `${at}.tool_calls`);
    if (m.content === null && !m.tool_calls?.length) throw bad(OP, `${at}.content`, 'a string (an assistant message needs content or tool_calls)', value.content);
    return m;
  }
  if (role === 'tool') {
    if (typeof value.tool_call_id !== 'string' || !value.tool_call_id) throw bad(OP, `${at}.tool_call_id`, 'the id of the tool call this answers', value.tool_call_id);
    m.tool_call_id = value.tool_call_id;
    m.content = typeof value.content === 'string' ? value.content : value.content === undefined ? '' : JSON.stringify(value.content);
    if (value.name !== undefined) {
      if (typeof value.name !== 'string') throw bad(OP, `${at}.name`, 'a string', value.name);
      m.name = value.name;
    }
    return m;
  }
  m.content = parts(value.content, `${at}.content`);
  if (role === 'system' && typeof m.content !== 'string' && m.content.some((p) => p.type === 'image')) throw bad(OP, `${at}.content`, 'text (images go in user messages)', value.content);
  return m;
}

function tools(value: unknown): LlmTool[] {
  if (!Array.isArray(value)) throw bad(OP, 'tools', 'an array of {name, description?, parameters?}', value);
  const names = new Set<string>();
  return value.map((raw, i) => {
    const at = `tools[${i}]`;
    // Also accepted: OpenAI's {type: "function", function: {...}}.
    const t = isObject(raw) && raw.type === 'function' && isObject(raw.function) ? raw.function : raw;
    if (!isObject(t)) throw bad(OP, at, 'an object {name, description?, parameters?}', raw);
    if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) throw bad(OP, `${at}.name`, 'a name of letters, digits, _ . : - (at most 64, starting with a letter or _)', t.name);
    if (names.has(t.name)) throw bad(OP, `${at}.name`, 'unique among tools', t.name);
    names.add(t.name);
    if (t.description !== undefined && typeof t.description !== 'string') throw bad(OP, `${at}.description`, 'a string', t.description);
    if (t.parameters !== undefined && (!isObject(t.parameters) || (t.parameters.type !== undefined && t.parameters.type !== 'object'))) {
      throw bad(OP, `${at}.parameters`, 'a JSON Schema object ({type: "object", properties: {...}})', t.parameters);
    }
    return { name: t.name, ...(t.description !== undefined ? { description: t.description as string } : {}), ...(t.parameters !== undefined ? { parameters: t.parameters as Record<string, unknown> } : {}) };
  });
}

function toolChoice(value: unknown, known: LlmTool[] | undefined): LlmToolChoice {
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  const name = isObject(value) ? (isObject(value.function) ? value.function.name : value.name) : undefined;
  if (typeof name !== 'string') throw bad(OP, 'tool_choice', '"auto", "none", "required" or {name}', value);
  if (!known?.some((t) => t.name === name)) throw bad(OP, 'tool_choice.name', `the name of one of the request's tools (${known?.map((t) => t.name).join(', ') || 'none given'})`, name);
  return { name };
}

/**
 * A THINK payload → a validated request. Accepts protocol 0.1's fields (`prompt`, `system` or
 * `system_instruction`, `image`, `thinking_level`, `temperature`, `model`) and `messages`,
 * `tools`, `tool_choice`, `max_tokens`, `stop`, `seed`. Errors name the field.
 */
export function parseThinkRequest(args: Args): ThinkRequest {
  let messages: LlmMessage[];
  if (args.messages !== undefined && args.messages !== null) {
    if (!Array.isArray(args.messages) || args.messages.length === 0) throw bad(OP, 'messages', 'a non-empty array of {role, content}', args.messages);
    if (args.prompt !== undefined && args.prompt !== null) throw bad(OP, 'prompt', 'absent when messages are given (put it in messages)', args.prompt);
    messages = args.messages.map(message);
    const system = optStr(OP, args, 'system') ?? optStr(OP, args, 'system_instruction');
    if (system) messages.unshift({ role: 'system', content: system });
    if (args.image !== undefined && args.image !== null) throw bad(OP, 'image', 'absent when messages are given (use an image part in a user message)', '[image]');
  } else {
    const prompt = optStr(OP, args, 'prompt');
    if (!prompt) throw bad(OP, 'prompt', 'a non-empty string (or give messages)', args.prompt);
    const system = optStr(OP, args, 'system') ?? optStr(OP, args, 'system_instruction');
    const content: string | LlmContentPart[] = args.image !== undefined && args.image !== null ? [{ type: 'text', text: prompt }, image(args.image, 'image')] : prompt;
    messages = [...(system ? [{ role: 'system' as const, content: system }] : []), { role: 'user', content }];
  }
  if (!messages.some((m) => m.role !== 'system')) throw bad(OP, 'messages', 'at least one user, assistant or tool message', '[only system messages]');
  const request: ThinkRequest = { messages };
  if (args.tools !== undefined && args.tools !== null) request.tools = tools(args.tools);
  if (args.tool_choice !== undefined && args.tool_choice !== null) request.tool_choice = toolChoice(args.tool_choice, request.tools);
  const model = optStr(OP, args, 'model');
  if (model) request.model = model;
  const maxTokens = optInt(OP, args, 'max_tokens', 1, 1_000_000);
  if (maxTokens !== undefined) request.max_tokens = maxTokens;
  const temperature = optNum(OP, args, 'temperature', 0, 2);
  if (temperature !== undefined) request.temperature = temperature;
  if (args.stop !== undefined && args.stop !== null) {
    const stop = typeof args.stop === 'string' ? [args.stop] : args.stop;
    if (!Array.isArray(stop) || stop.length === 0 || stop.length > 4 || stop.some((s) => typeof s !== 'string' || s.length === 0)) {
      throw bad(OP, 'stop', 'a non-empty string or an array of 1 to 4 of them', args.stop);
    }
    request.stop = stop as string[];
  }
  const seed = optInt(OP, args, 'seed', -(2 ** 31), 2 ** 31 - 1);
  if (seed !== undefined) request.seed = seed;
  const level = optEnum(OP, args, 'thinking_level', LEVELS);
  if (level !== undefined) request.thinking_level = level;
  // Tool results name their tool for providers that need it (Gemini).
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const c of m.tool_calls ?? []) names.set(c.id, c.name);
    if (m.role === 'tool' && m.name === undefined && m.tool_call_id && names.has(m.tool_call_id)) m.name = names.get(m.tool_call_id)!;
  }
  return request;
}
