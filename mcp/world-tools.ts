import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { CloveError } from './kernel-port.js';
import type { Identity } from './identity.js';
import { defineTool, type ToolDef } from './tool.js';

const worldName = z.string().min(1).describe('the world\'s name');

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const GRANT_NOTE = "Needs the 'worlds' grant (clove mcp --grant worlds).";

/** World tools: create worlds, inject events, snapshot, restore and inspect them, as the identity. */
export function worldTools(identity: Identity): ToolDef[] {
  const port = identity.port;
  const local = (path: string) => (isAbsolute(path) ? path : resolve(identity.workspace, path));
  return [
    defineTool({
      name: 'world_create',
      title: 'Create a world',
      description: `Creates a simulated world (files, network routes, clock, LLM, scheduled events) from world YAML text or from the path of a world YAML file the kernel can read (docs/worlds.md). ${GRANT_NOTE} Returns the world's info (name, seed, clock, counts).`,
      input: {
        yaml: z.string().min(1).optional().describe('the world YAML text'),
        path: z.string().min(1).optional().describe("path of a world YAML file (relative to the identity's workspace)"),
        name: z.string().optional().describe('name of the world (default: the YAML name)'),
        seed: z.union([z.number().int(), z.string()]).optional().describe('seed of its random choices'),
      },
      handle: async (a) => {
        if ((a.yaml === undefined) === (a.path === undefined)) {
          throw new CloveError('KERNEL_BAD_REQUEST', 'world_create: give exactly one of yaml (the world YAML text) or path (a world YAML file)');
        }
        return port.call('WORLD_CREATE', defined({ source: a.yaml, path: a.path === undefined ? undefined : local(a.path), name: a.name, seed: a.seed }));
      },
    }),
    defineTool({
      name: 'world_event',
      title: 'Inject a world event',
      description: `Injects an event into a world now, or schedules it after a virtual delay: a file change or corruption (fs.write, fs.corrupt), a network fault (network.outage, network.error, network.latency), an LLM fault (llm.outage, llm.error_rate), a clock.jump, or custom.<name> (docs/worlds.md describes each). ${GRANT_NOTE} Returns the timeline entry, or the scheduled id.`,
      input: {
        world: worldName,
        type: z.string().min(1).describe('event type, e.g. fs.write, fs.corrupt, network.outage, clock.jump, custom.deploy'),
        params: z.record(z.string(), z.unknown()).optional().describe("the event's parameters"),
        in: z.union([z.number().int().nonnegative(), z.string()]).optional().describe('virtual delay: ms, or "30s", "5m"'),
        label: z.string().optional().describe('a label shown in the timeline'),
      },
      handle: (a) => port.call('WORLD_EVENT', defined({ world: a.world, type: a.type, params: a.params ?? {}, in: a.in, label: a.label })),
    }),
    defineTool({
      name: 'world_snapshot',
      title: 'Snapshot a world',
      description: `Saves a world's whole state (files, clock, routes, key-value state, timeline). With path, the kernel writes the snapshot there; without, it comes back as data_base64 for world_restore. ${GRANT_NOTE}`,
      input: {
        world: worldName,
        path: z.string().min(1).optional().describe("file to write the snapshot to (relative to the identity's workspace)"),
      },
      handle: (a) => port.call('WORLD_SNAPSHOT', defined({ world: a.world, path: a.path === undefined ? undefined : local(a.path) })),
    }),
    defineTool({
      name: 'world_restore',
      title: 'Restore a world',
      description: `Restores a world from a snapshot (a file path, or data_base64 from world_snapshot): as a new world, or in place over the running one of that name. ${GRANT_NOTE} Returns the world's info.`,
      input: {
        path: z.string().min(1).optional().describe('snapshot file'),
        data_base64: z.string().min(1).optional().describe('snapshot bytes from world_snapshot'),
        name: z.string().optional().describe("name of the restored world (default: the snapshot's)"),
        in_place: z.boolean().optional().describe('replace the running world of that name'),
      },
      handle: async (a) => {
        if ((a.path === undefined) === (a.data_base64 === undefined)) {
          throw new CloveError('KERNEL_BAD_REQUEST', 'world_restore: give exactly one of path (a snapshot file) or data_base64 (from world_snapshot)');
        }
        return port.call('WORLD_RESTORE', defined({ ...a, path: a.path === undefined ? undefined : local(a.path) }));
      },
    }),
    defineTool({
      name: 'world_diff',
      title: "A world's file changes",
      description: "Lists what changed in a world's files since it was created: added, modified and deleted paths. The identity may look at its own world; others need the 'worlds' grant.",
      input: { world: worldName },
      readOnly: true,
      handle: async (a) => {
        const state = await port.call<{ diff?: unknown }>('WORLD_STATE', { world: a.world, diff: true });
        return { world: a.world, diff: state.diff ?? null };
      },
    }),
    defineTool({
      name: 'world_timeline',
      title: "A world's timeline",
      description: "Lists a world's timeline: every event that happened (scheduled, injected, faults) with its virtual time and sequence number, and the events still pending; page with since_seq. The identity may look at its own world; others need the 'worlds' grant.",
      input: {
        world: worldName,
        since_seq: z.number().int().nonnegative().optional().describe('entries from this sequence number on (the next page starts at the last seq + 1)'),
        max: z.number().int().positive().max(100_000).optional().describe('at most this many entries'),
      },
      readOnly: true,
      handle: async (a) => {
        const state = await port.call<Record<string, unknown>>('WORLD_STATE', defined({ world: a.world, timeline: true, pending: true, since_seq: a.since_seq, max: a.max }));
        return { world: a.world, timeline: state.timeline ?? [], dropped: state.timeline_dropped ?? 0, pending: state.pending ?? [] };
      },
    }),
  ];
}
