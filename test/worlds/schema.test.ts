import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createWorld, loadWorldFile, parseWorldSource, validateWorldDefinition, WorldEventError, WorldSchemaError } from '../../worlds/index.js';

const examplesDir = fileURLToPath(new URL('../../worlds/examples/', import.meta.url));

function schemaError(fn: () => unknown): WorldSchemaError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WorldSchemaError);
    return error as WorldSchemaError;
  }
  throw new Error('expected a WorldSchemaError');
}

describe('world files', () => {
  const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));

  it('ships the four required example worlds', () => {
    expect(examples).toEqual(expect.arrayContaining(['flaky-api.yaml', 'outage.yaml', 'data-pipeline.yaml', 'empty.yaml']));
  });

  it.each(examples)('validates and creates the example %s', (file) => {
    const loaded = loadWorldFile(`${examplesDir}${file}`);
    expect(loaded.definition.name).toBe(file.replace(/\.yaml$/, ''));
    createWorld(`${examplesDir}${file}`).close();
  });

  it('reports every schema problem at once, each with file, line, column and path', () => {
    const source = [
      'name: demo', // 1
      'colour: red', // 2
      'seed: 1.5', // 3
      'network:', // 4
      '  mode: online', // 5
      '  routes:', // 6
      '    - url: https://api.example.com/x', // 7
      '      status: 99', // 8
      'events:', // 9
      '  - type: network.outage', // 10
      '    at: soon', // 11
    ].join('\n');
    const error = schemaError(() => parseWorldSource(source, { file: 'demo.yaml' }));
    expect(error.code).toBe('WORLD_SCHEMA_INVALID');
    const byPath = Object.fromEntries(error.issues.map((i) => [i.path, i]));
    expect(byPath['']).toMatchObject({ file: 'demo.yaml', line: 2, column: 1, message: expect.stringContaining('"colour"') });
    expect(byPath['/seed']).toMatchObject({ line: 3, column: 7, message: 'must be integer or string' });
    expect(byPath['/network/mode']).toMatchObject({ line: 5, column: 9, message: expect.stringContaining('"mock", "allow-list", "offline"') });
    expect(byPath['/network/routes/0/status']).toMatchObject({ line: 8, column: 15, message: 'must be >= 100' });
    expect(byPath['/events/0/at']).toMatchObject({ line: 11, column: 9, message: expect.stringContaining('duration') });
    expect(error.issues).toHaveLength(5);
    expect(error.message).toContain('demo.yaml:8:15: /network/routes/0/status must be >= 100');
  });

  it('reports YAML syntax errors with their positions', () => {
    const error = schemaError(() => parseWorldSource('name: a\nnetwork: [\n', { file: 'broken.yaml' }));
    expect(error.issues.length).toBeGreaterThan(0);
    expect(error.issues[0]).toMatchObject({ file: 'broken.yaml', line: expect.any(Number), column: expect.any(Number) });
    expect(error.issues[0]?.message).toMatch(/^YAML syntax/);
  });

  it('points at a missing required property from its parent', () => {
    const error = schemaError(() => parseWorldSource('name: a\nevents:\n  - type: fs.corrupt\n    params: {}\n', { file: 'w.yaml' }));
    expect(error.issues[0]).toMatchObject({ path: '/events/0/params', line: 4, message: 'must have required property "path"' });
  });

  it('rejects after links to events that do not exist', () => {
    const error = schemaError(() => parseWorldSource('name: a\nevents:\n  - type: custom\n    after: nothing\n', { file: 'w.yaml' }));
    expect(error.issues[0]).toMatchObject({ path: '/events/0/after', line: 4, column: 12 });
  });

  it('validates definitions given from TypeScript, without positions', () => {
    const error = schemaError(() => validateWorldDefinition({ name: 'x', clock: { mode: 'fast' } }));
    expect(error.issues[0]).toMatchObject({ file: '<inline>', line: null, path: '/clock/mode' });
  });

  it('rejects injected events with an unknown type or bad params', () => {
    const world = createWorld({ name: 'ev' });
    expect(() => world.inject('network.explode')).toThrow(WorldEventError);
    expect(() => world.inject('network.error', {})).toThrow(/status/);
    try {
      world.inject('fs.corrupt', { mode: 'truncate' });
    } catch (error) {
      expect((error as WorldEventError).code).toBe('EVENT_TYPE_INVALID');
    }
    world.close();
  });
});
