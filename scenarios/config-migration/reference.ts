import type { ScriptedAgent } from '../../gym/tools.js';

/** Parses the INI sections, maps them as MIGRATION.md says, writes and validates. */
const reference: ScriptedAgent = async (tools) => {
  const ini = await tools.readFile('/etc/app/config.v1.ini');
  const sections: Record<string, Record<string, string>> = {};
  let current = '';
  for (const raw of ini.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const section = /^\[(\w+)\]$/.exec(line);
    if (section !== null) {
      current = section[1]!;
      sections[current] = {};
      continue;
    }
    const [key, ...rest] = line.split('=');
    (sections[current] ??= {})[key!.trim()] = rest.join('=').trim();
  }
  const s = (name: string): Record<string, string> => sections[name] ?? {};
  const config = {
    version: 2,
    server: { host: s('server').host, port: Number(s('server').port) },
    database: { url: s('database').url, pool: { min: Number(s('database').pool_min), max: Number(s('database').pool_max) } },
    features: Object.entries(s('features')).filter(([, v]) => v === 'on').map(([k]) => k).sort(),
    limits: { requests_per_second: Number(s('limits').rps), burst: Number(s('limits').burst) },
  };
  await tools.writeFile('/etc/app/config.json', `${JSON.stringify(config, null, 2)}\n`);
  const check = await tools.exec('node', ['validate.js'], { cwd: '/etc/app' });
  await tools.submit(check.exit_code === 0 ? 'migrated' : check.stderr);
};

export default reference;
