import type { ScriptedAgent } from '../../gym/tools.js';

interface Contact {
  id: number;
  name: string;
  email: string;
  status: string;
  tier: string;
  spend: number;
}

const BASE = 'https://crm.example.com/api/contacts';
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Reads the rules' parameters from the task, then deletes, patches and creates. */
const reference: ScriptedAgent = async (tools, task) => {
  const threshold = Number(/spend" is at least (\d+)/.exec(task.text)?.[1]);
  const created = /Create the contact (\{[\s\S]*?\})\./.exec(task.text)?.[1] ?? '{}';
  const contacts = JSON.parse((await tools.http(BASE)).body) as Contact[];
  for (const c of contacts) {
    if (c.status === 'spam') await tools.http(`${BASE}/${c.id}`, { method: 'DELETE' });
    else if (c.status === 'active' && c.spend >= threshold && c.tier !== 'gold') {
      await tools.http(`${BASE}/${c.id}`, { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify({ tier: 'gold' }) });
    }
  }
  await tools.http(BASE, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(JSON.parse(created.replace(/\s+/g, ' '))) });
  const after = JSON.parse((await tools.http(BASE)).body) as Contact[];
  await tools.submit(after.length);
};

export default reference;
