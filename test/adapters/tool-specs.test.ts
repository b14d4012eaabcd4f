import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { ToolMessage } from '@langchain/core/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloveTools as aiSdkTools, CLOVE_TOOL_NAMES, cloveToolJsonSchemas, CloveToolError } from '../../adapters/ai-sdk/index.js';
import { cloveTools as langchainTools } from '../../adapters/langchain/index.js';
import type { CloveClient } from '../../sdk/index.js';
import { testKernel, type TestKernel } from '../helpers/kernel.js';

let k: TestKernel;
let c: CloveClient;
beforeAll(async () => {
  k = await testKernel();
  c = await k.client();
  await c.worldCreate({ source: 'name: specs\nfilesystem:\n  files:\n    - { path: /in.txt, content: seven }\n' });
});
afterAll(async () => {
  await k?.stop();
});

describe('the shared tool table', () => {
  it('gives every tool a description and an object JSON Schema, the same in both adapters', () => {
    const schemas = cloveToolJsonSchemas();
    expect(Object.keys(schemas)).toEqual([...CLOVE_TOOL_NAMES]);
    for (const schema of Object.values(schemas)) expect(schema).toMatchObject({ type: 'object', properties: expect.any(Object) });
    expect(schemas.clove_write).toMatchObject({ required: ['path', 'content'] });
    const ai = aiSdkTools({ client: c });
    const lc = langchainTools({ client: c });
    expect(Object.keys(ai)).toEqual([...CLOVE_TOOL_NAMES]);
    expect(lc.map((t) => t.name)).toEqual([...CLOVE_TOOL_NAMES]);
    for (const t of lc) expect(t.description).toBe(ai[t.name]?.description);
  });

  it('selects tools by name and names the choices when one is unknown', () => {
    expect(Object.keys(aiSdkTools({ client: c, tools: ['clove_write', 'clove_read'] }))).toEqual(['clove_read', 'clove_write']);
    expect(() => langchainTools({ tools: ['clove_read', 'read_file' as never] })).toThrow(/no Clove tool named 'read_file'; choose from clove_read, /);
  });
});

describe('an operator client with a world', () => {
  it('reaches the named world through AI SDK tools', async () => {
    const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
    const model = new MockLanguageModelV3({
      doGenerate: [
        { content: [{ type: 'tool-call', toolCallId: 'w', toolName: 'clove_write', input: JSON.stringify({ path: '/out.txt', content: 'from the operator' }) }], finishReason: { unified: 'tool-calls', raw: undefined }, usage, warnings: [] },
        { content: [{ type: 'text', text: 'ok' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] },
      ],
    });
    const result = await generateText({ model, tools: aiSdkTools({ client: c, world: 'specs' }), stopWhen: stepCountIs(3), prompt: 'write' });
    expect(result.steps[0]?.toolResults[0]?.output).toEqual({ path: '/out.txt', written: 17 });
    expect((await c.read('/out.txt', { world: 'specs' })).content).toBe('from the operator');
  });

  it('gives LangChain an error ToolMessage for a tool call, and throws the Clove error for plain input', async () => {
    const read = langchainTools({ client: c, world: 'specs', tools: ['clove_read'] })[0]!;
    const ok = (await read.invoke({ id: 'r1', name: 'clove_read', args: { path: '/in.txt' }, type: 'tool_call' })) as ToolMessage;
    expect(ok).toMatchObject({ status: 'success', tool_call_id: 'r1' });
    expect(JSON.parse(String(ok.content))).toMatchObject({ content: 'seven' });
    const missing = (await read.invoke({ id: 'r2', name: 'clove_read', args: { path: '/absent.txt' }, type: 'tool_call' })) as ToolMessage;
    expect(missing).toMatchObject({ status: 'error', tool_call_id: 'r2', artifact: { code: 'FS_NOT_FOUND', tool: 'clove_read' } });
    expect(String(missing.content)).toMatch(/^FS_NOT_FOUND: .*\/absent\.txt/);
    const thrown = await read.invoke({ path: '/absent.txt' }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CloveToolError);
    expect(thrown).toMatchObject({ code: 'FS_NOT_FOUND', tool: 'clove_read' });
  });
});
