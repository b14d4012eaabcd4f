import type { ScriptedAgent } from '../../gym/tools.js';

const LINE = /^(\S+) ERROR \[([\w-]+)\] req=(\w+) /;

/** Reads every log, counts ERROR lines per request id, finds the earliest one of the top id. */
const reference: ScriptedAgent = async (tools) => {
  const entries = await tools.listDir('/var/log/app');
  const byRequest = new Map<string, Array<{ time: string; service: string }>>();
  for (const entry of entries) {
    if (entry.type !== 'file') continue;
    for (const line of (await tools.readFile(`/var/log/app/${entry.name}`)).split('\n')) {
      const m = LINE.exec(line);
      if (m === null) continue;
      const list = byRequest.get(m[3]!) ?? [];
      list.push({ time: m[1]!, service: m[2]! });
      byRequest.set(m[3]!, list);
    }
  }
  const [requestId, errors] = [...byRequest.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
  const first = [...errors].sort((a, b) => a.time.localeCompare(b.time))[0]!;
  await tools.writeFile('/out/triage.json', JSON.stringify({ request_id: requestId, first_service: first.service, errors: errors.length }));
  await tools.submit(requestId);
};

export default reference;
