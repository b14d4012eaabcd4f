import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { WorldInfo, WorldTimelineEntry } from '../../sdk/index.js';
import { withClient } from '../connection.js';
import { CliError, ExitCode, paint, printJson, printRecord, printTable } from '../output.js';

function readSource(file: string): string {
  try {
    return readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, ExitCode.USAGE);
  }
}

/** `key=value` pairs; values that parse as JSON (numbers, booleans, objects) keep their type. */
export function parseParams(pairs: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`event parameters are key=value, got '${pair}'`, ExitCode.USAGE);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A plain string.
    }
    params[pair.slice(0, eq)] = value;
  }
  return params;
}

/** Where the tree lives: its own tmpfs and its size, or the host's disk. */
function storageNote(w: WorldInfo): string {
  const s = w.treeStorage;
  if (!s) return '';
  return s.kind === 'tmpfs' ? ` (tmpfs of ${(s.sizeBytes / 1048576).toFixed(1)} MiB)` : ` (on the host's disk: ${s.reason})`;
}

function printWorld(w: WorldInfo): void {
  const lines = [
    `${paint('bold', w.name)}  seed ${w.seed}, clock ${w.clockMode} at ${w.time} (+${w.elapsedMs} ms)`,
    `files ${w.files}, pending events ${w.pendingEvents}, timeline ${w.timelineLength}, requests ${w.requests}`,
    `agents ${w.agents.length ? w.agents.join(', ') : 'none'}${w.directory ? `; tree at ${w.directory}${storageNote(w)}` : ''}`,
    `state ${w.stateHash}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printTimeline(entries: WorldTimelineEntry[]): void {
  if (entries.length === 0) return void process.stdout.write('timeline: empty\n');
  printTable(
    ['SEQ', 'TIME', 'TYPE', 'SOURCE', 'NAME', 'PARAMS', 'NOTE'],
    entries.map((e) => [e.seq, new Date(e.time).toISOString(), e.type, e.source, e.name, JSON.stringify(e.params), e.note]),
  );
}

export function worldCommand(program: Command): void {
  const world = program.command('world').description('create, inspect, fault, snapshot and restore worlds');

  world
    .command('validate')
    .description('check a world file against the schema (no kernel needed); errors give line and column')
    .argument('<file>', 'world YAML file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const source = readSource(file);
      // The loader alone, loaded here: validating needs neither the world engine nor its mock
      // network (msw and graphql are a tenth of a second to load).
      const { parseWorldSource } = await import('../../worlds/loader.js');
      try {
        const loaded = parseWorldSource(source, { file, baseDir: dirname(resolve(file)) });
        const d = loaded.definition;
        const summary = {
          valid: true,
          file,
          name: d.name,
          files: d.filesystem?.files?.length ?? 0,
          routes: d.network?.routes?.length ?? 0,
          events: d.events?.length ?? 0,
        };
        if (options.json) printJson(summary);
        else process.stdout.write(`${paint('green', 'valid')} ${file}: world '${d.name}', ${summary.files} files, ${summary.routes} routes, ${summary.events} events\n`);
      } catch (error) {
        const e = error as { code?: string; message: string; issues?: unknown[] };
        if (options.json) printJson({ valid: false, file, code: e.code, message: e.message, issues: e.issues ?? [] });
        else process.stderr.write(`${paint('red', 'invalid')} ${e.message}\n`);
        process.exitCode = ExitCode.FAILED;
      }
    });

  world
    .command('create')
    .description('create a world in the running kernel from a YAML file')
    .argument('<file>', 'world YAML file')
    .option('--socket <path>', 'kernel socket path')
    .option('--name <name>', "world name (default: the file's name field)")
    .option('--seed <seed>', 'seed for every random source of the world')
    .option('--json', 'print the world as JSON')
    .action(async (file: string, options: { socket?: string; name?: string; seed?: string; json?: boolean }) => {
      const source = readSource(file);
      const seed = options.seed === undefined ? undefined : /^-?\d+$/.test(options.seed) ? Number(options.seed) : options.seed;
      const info = await withClient(options, (c) =>
        c.worldCreate({ source, file, baseDir: dirname(resolve(file)), ...(options.name ? { name: options.name } : {}), ...(seed !== undefined ? { seed } : {}) }),
      );
      if (options.json) printRecord(info);
      else printWorld(info);
    });

  world
    .command('list')
    .description('list the worlds of the running kernel')
    .option('--socket <path>', 'kernel socket path')
    .option('--json', 'print the worlds as JSON')
    .action(async (options: { socket?: string; json?: boolean }) => {
      const worlds = await withClient(options, (c) => c.worldList());
      if (options.json) return printRecord(worlds);
      if (worlds.length === 0) return void process.stdout.write('no worlds\n');
      printTable(
        ['NAME', 'CLOCK', 'TIME', 'FILES', 'AGENTS', 'EVENTS', 'REQUESTS'],
        worlds.map((w) => [w.name, w.clockMode, w.time, w.files, w.agents.length, w.timelineLength, w.requests]),
      );
    });

  world
    .command('show')
    .description("describe a world; --timeline lists what happened in it")
    .argument('<name>', 'world name')
    .option('--socket <path>', 'kernel socket path')
    .option('--timeline', 'include the timeline of events')
    .option('--requests', 'include the log of HTTP requests')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { socket?: string; timeline?: boolean; requests?: boolean; json?: boolean }) => {
      const state = await withClient(options, (c) => c.worldState(name, { timeline: options.timeline ?? false, requests: options.requests ?? false, kv: true }));
      if (options.json) return printRecord(state);
      printWorld(state.world);
      if (state.timeline) printTimeline(state.timeline);
      if (state.requests) {
        printTable(
          ['TIME', 'METHOD', 'URL', 'STATUS', 'ROUTE'],
          state.requests.map((r) => [new Date(Number(r.time)).toISOString(), String(r.method), String(r.url), r.status as number | null, String(r.route ?? r.error ?? '')]),
        );
      }
    });

  world
    .command('diff')
    .description('list the files agents added, modified and deleted in a world')
    .argument('<name>', 'world name')
    .option('--socket <path>', 'kernel socket path')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { socket?: string; json?: boolean }) => {
      const { diff } = await withClient(options, (c) => c.worldState(name, { diff: true }));
      const d = diff ?? { added: [], modified: [], deleted: [] };
      if (options.json) return printRecord(d);
      const lines = [...d.added.map((p) => paint('green', `A ${p}`)), ...d.modified.map((p) => paint('yellow', `M ${p}`)), ...d.deleted.map((p) => paint('red', `D ${p}`))];
      process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'no changes\n');
    });

  world
    .command('destroy')
    .description('destroy a world; its agents are stopped first')
    .argument('<name>', 'world name')
    .option('--socket <path>', 'kernel socket path')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { socket?: string; json?: boolean }) => {
      const result = await withClient(options, (c) => c.worldDestroy(name));
      if (options.json) printRecord(result);
      else process.stdout.write(`destroyed ${result.destroyed} (${result.agentsStopped} agents stopped)\n`);
    });

  world
    .command('event')
    .description('inject an event now (or --in a virtual delay): network.outage, network.latency, network.error, fs.corrupt, fs.write, agent.kill, agent.pause, clock.jump, custom')
    .argument('<name>', 'world name')
    .argument('<type>', 'event type')
    .argument('[params...]', 'key=value parameters, e.g. duration=30s path=/data/a.csv mode=garbage')
    .option('--socket <path>', 'kernel socket path')
    .option('--in <delay>', 'schedule it after this virtual delay (ms or e.g. 30s) instead of now')
    .option('--label <label>', 'a name for the timeline')
    .option('--json', 'print as JSON')
    .action(async (name: string, type: string, params: string[], options: { socket?: string; in?: string; label?: string; json?: boolean }) => {
      const delay = options.in === undefined ? undefined : /^\d+$/.test(options.in) ? Number(options.in) : options.in;
      const result = await withClient(options, (c) =>
        c.worldEvent(name, type, parseParams(params), { ...(delay !== undefined ? { in: delay } : {}), ...(options.label ? { label: options.label } : {}) }),
      );
      if (options.json) return printRecord(result);
      if (result.entry) process.stdout.write(`#${result.entry.seq} ${result.entry.type} at ${new Date(result.entry.time).toISOString()}${result.entry.note ? `: ${result.entry.note}` : ''}\n`);
      else process.stdout.write(`scheduled ${type} in ${options.in} (pending event id ${result.scheduled}; it gets its timeline number when it fires)\n`);
    });

  world
    .command('snapshot')
    .description('write the whole world state (files, clock, timers, RNG, mocks, state, events, timeline) to one file; running processes are not captured')
    .argument('<name>', 'world name')
    .option('--socket <path>', 'kernel socket path')
    .option('-o, --out <file>', 'output file (default: <name>.clove-snapshot)')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { socket?: string; out?: string; json?: boolean }) => {
      const out = resolve(options.out ?? `${name}.clove-snapshot`);
      const result = await withClient(options, (c) => c.worldSnapshot(name, out));
      if (options.json) return printRecord(result);
      process.stdout.write(`wrote ${result.path} (${result.bytes} bytes, state ${result.stateHash}); running processes are not captured\n`);
    });

  world
    .command('restore')
    .description('recreate a world from a snapshot file, as a new world or (--in-place) over an existing one')
    .argument('<file>', 'snapshot file')
    .option('--socket <path>', 'kernel socket path')
    .option('--name <name>', 'name of the restored world (a fork when it differs from the original)')
    .option('--in-place', 'replace the state of the existing world --name')
    .option('--json', 'print as JSON')
    .action(async (file: string, options: { socket?: string; name?: string; inPlace?: boolean; json?: boolean }) => {
      const info = await withClient(options, (c) =>
        c.worldRestore({ path: resolve(file) }, { ...(options.name ? { name: options.name } : {}), inPlace: options.inPlace ?? false }),
      );
      if (options.json) printRecord(info);
      else printWorld(info);
    });
}
