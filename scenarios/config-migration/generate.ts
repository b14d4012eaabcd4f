import type { GeneratorContext } from '../generator.js';

const FLAGS = ['beta_search', 'dark_mode', 'fast_checkout', 'new_nav', 'audit_log', 'gift_cards', 'wishlist'];

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'app config v2',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'server', 'database', 'features', 'limits'],
  properties: {
    version: { const: 2 },
    server: { type: 'object', additionalProperties: false, required: ['host', 'port'], properties: { host: { type: 'string' }, port: { type: 'integer', minimum: 1, maximum: 65535 } } },
    database: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'pool'],
      properties: {
        url: { type: 'string', pattern: '^postgres://' },
        pool: { type: 'object', additionalProperties: false, required: ['min', 'max'], properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 1 } } },
      },
    },
    features: { type: 'array', items: { type: 'string' }, uniqueItems: true },
    limits: { type: 'object', additionalProperties: false, required: ['requests_per_second', 'burst'], properties: { requests_per_second: { type: 'integer', minimum: 1 }, burst: { type: 'integer', minimum: 1 } } },
  },
};

/** The project's own validator: no dependencies, checks what the schema says plus pool min <= max. */
const VALIDATOR = `'use strict';
const fs = require('node:fs');
const problems = [];
let c;
try { c = JSON.parse(fs.readFileSync('config.json', 'utf8')); } catch (e) { console.error('config.json: ' + e.message); process.exit(1); }
const isInt = (v) => Number.isInteger(v);
if (c.version !== 2) problems.push('version must be 2');
if (!c.server || typeof c.server.host !== 'string' || !isInt(c.server.port)) problems.push('server needs host (string) and port (integer)');
if (!c.database || typeof c.database.url !== 'string' || !c.database.pool || !isInt(c.database.pool.min) || !isInt(c.database.pool.max)) problems.push('database needs url and pool.min/max (integers)');
else if (c.database.pool.min > c.database.pool.max) problems.push('database.pool.min must not exceed max');
if (!Array.isArray(c.features) || c.features.some((f) => typeof f !== 'string')) problems.push('features must be a list of names');
else if ([...c.features].sort().join() !== c.features.join()) problems.push('features must be sorted');
if (!c.limits || !isInt(c.limits.requests_per_second) || !isInt(c.limits.burst)) problems.push('limits needs requests_per_second and burst (integers)');
for (const p of problems) console.error('invalid: ' + p);
if (problems.length === 0) console.log('config.json is valid');
process.exit(problems.length === 0 ? 0 : 1);
`;

export default function generate({ rng }: GeneratorContext): Record<string, unknown> {
  const host = `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const port = rng.pick([8080, 8443, 9000, 3000, 5000 + rng.int(0, 999)]);
  const db = `postgres://${rng.word(2)}@db-${rng.hex(4)}.internal:5432/${rng.word(2)}`;
  const poolMin = rng.int(1, 5);
  const poolMax = poolMin + rng.int(2, 30);
  const flags = rng.shuffle(FLAGS).slice(0, rng.int(3, 6)).map((name) => ({ name, on: rng.chance(0.5) }));
  if (!flags.some((f) => f.on)) flags[0]!.on = true;
  const rps = rng.int(10, 500);
  const burst = rps * rng.int(2, 4);
  const ini = [
    '; app config, format v1',
    '[server]',
    `host = ${host}`,
    `port = ${port}`,
    '',
    '[database]',
    `url = ${db}`,
    `pool_min = ${poolMin}`,
    `pool_max = ${poolMax}`,
    '',
    '[features]',
    ...flags.map((f) => `${f.name} = ${f.on ? 'on' : 'off'}`),
    '',
    '[limits]',
    `rps = ${rps}`,
    `burst = ${burst}`,
    '',
  ].join('\n');
  const expected = {
    version: 2,
    server: { host, port },
    database: { url: db, pool: { min: poolMin, max: poolMax } },
    features: flags.filter((f) => f.on).map((f) => f.name).sort(),
    limits: { requests_per_second: rps, burst },
  };
  return { ini, schema: JSON.stringify(SCHEMA, null, 2), validator: VALIDATOR, expected };
}
