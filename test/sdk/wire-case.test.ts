import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as api from '../../sdk/api-types.js';
import type * as wire from '../../sdk/types.js';
import { camelCase, eventFromWire, fromWire, snakeCase, toWire, type Camelized, type Snaked } from '../../sdk/wire-case.js';

describe('wire names <-> TypeScript names', () => {
  it('renames both ways, digits and single letters included', () => {
    expect(['grace_ms', 'queue_ms_p50', 'uptime_s', 'agent_id', 'pid'].map(camelCase)).toEqual(['graceMs', 'queueMsP50', 'uptimeS', 'agentId', 'pid']);
    expect(['graceMs', 'queueMsP50', 'uptimeS', 'agentId', 'pid'].map(snakeCase)).toEqual(['grace_ms', 'queue_ms_p50', 'uptime_s', 'agent_id', 'pid']);
  });

  it('renames keys at every depth and in arrays, and leaves values alone', () => {
    const record = { exit_code: 0, isolation: { no_new_privs: true, limits: { memory: { requested: null } } }, end_reason: 'exit 0', args: ['a_b'] };
    expect(fromWire(record)).toEqual({ exitCode: 0, isolation: { noNewPrivs: true, limits: { memory: { requested: null } } }, endReason: 'exit 0', args: ['a_b'] });
    expect(fromWire([{ message_id: 1 }, { message_id: 2 }])).toEqual([{ messageId: 1 }, { messageId: 2 }]);
    expect(toWire(fromWire(record))).toEqual(record);
  });

  it('passes the caller\'s own data through untouched: payloads, values, env, headers, params, tool arguments', () => {
    const wire = { from_name: 'a', payload: { my_key: { deep_key: 1 } }, env: { MY_VAR: 'x' }, headers: { 'x-req_id': '1' }, tool_calls: [{ arguments: { file_path: '/a' } }] };
    expect(fromWire(wire)).toEqual({ fromName: 'a', payload: { my_key: { deep_key: 1 } }, env: { MY_VAR: 'x' }, headers: { 'x-req_id': '1' }, toolCalls: [{ arguments: { file_path: '/a' } }] });
    expect(toWire({ maxTokens: 5, value: { someKey: 1 }, params: { latencyMs: 3 } })).toEqual({ max_tokens: 5, value: { someKey: 1 }, params: { latencyMs: 3 } });
  });

  it('keeps bytes as bytes and leaves out undefined fields', () => {
    const bytes = new Uint8Array([1, 2]);
    const out = toWire({ content: bytes, graceMs: undefined, signal: 'SIGTERM' });
    expect(out.content).toBe(bytes);
    expect(out).toEqual({ content: bytes, signal: 'SIGTERM' });
  });

  it('renames the data of the kernel\'s own events but not of CUSTOM events', () => {
    expect(eventFromWire({ seq: 1, type: 'AGENT_EXITED', time: 0, source: 3, data: { exit_code: 7, restarting_in_ms: 100 } }).data).toEqual({ exitCode: 7, restartingInMs: 100 });
    expect(eventFromWire({ seq: 2, type: 'CUSTOM', time: 0, source: 3, data: { name: 'gym.submit', my_answer: 1 } }).data).toEqual({ name: 'gym.submit', my_answer: 1 });
  });
});

describe('the public records are the wire records, renamed (checked by tsc)', () => {
  it('matches field for field', () => {
    expectTypeOf<Camelized<wire.AgentRecord>>().toEqualTypeOf<api.AgentRecord>();
    expectTypeOf<Camelized<wire.SpawnRequest>>().toEqualTypeOf<api.SpawnRequest>();
    expectTypeOf<Camelized<wire.HelloResponse>>().toEqualTypeOf<api.HelloResponse>();
    expectTypeOf<Camelized<wire.LogsResponse>>().toEqualTypeOf<api.LogsResponse>();
    expectTypeOf<Camelized<wire.Message>>().toEqualTypeOf<api.Message>();
    expectTypeOf<Camelized<wire.SystemMetrics>>().toEqualTypeOf<api.SystemMetrics>();
    expectTypeOf<Camelized<wire.ProcessMetrics>>().toEqualTypeOf<api.ProcessMetrics>();
    expectTypeOf<Camelized<wire.CgroupMetrics>>().toEqualTypeOf<api.CgroupMetrics>();
    expectTypeOf<Camelized<wire.KernelStatus>>().toEqualTypeOf<api.KernelStatus>();
    expectTypeOf<Camelized<wire.FileInfo>>().toEqualTypeOf<api.FileInfo>();
    expectTypeOf<Camelized<wire.ExecOptions>>().toEqualTypeOf<api.ExecOptions>();
    expectTypeOf<Camelized<wire.ExecResult>>().toEqualTypeOf<api.ExecResult>();
    expectTypeOf<Camelized<wire.HttpRequest>>().toEqualTypeOf<api.HttpRequest>();
    expectTypeOf<Camelized<wire.HttpResponse>>().toEqualTypeOf<api.HttpResponse>();
    expectTypeOf<Camelized<wire.PermissionSet>>().toEqualTypeOf<api.PermissionSet>();
    expectTypeOf<Camelized<wire.ThinkOptions>>().toEqualTypeOf<api.ThinkOptions>();
    expectTypeOf<Camelized<wire.ThinkResult>>().toEqualTypeOf<api.ThinkResult>();
    expectTypeOf<Camelized<wire.WorldInfo>>().toEqualTypeOf<api.WorldInfo>();
    expectTypeOf<Camelized<wire.WorldStateResponse>>().toEqualTypeOf<api.WorldStateResponse>();
    expectTypeOf<Camelized<wire.WorldSnapshotInfo>>().toEqualTypeOf<api.WorldSnapshotInfo>();
    expectTypeOf<Snaked<api.ThinkOptions>>().toEqualTypeOf<wire.ThinkOptions>();
    expectTypeOf<Snaked<api.SpawnRequest>>().toEqualTypeOf<wire.SpawnRequest>();
  });
});
