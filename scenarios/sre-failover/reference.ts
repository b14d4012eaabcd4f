import type { ScriptedAgent, Tools } from '../../gym/tools.js';

async function healthy(tools: Tools, base: string): Promise<boolean> {
  try {
    return (await tools.http(`${base}/health`)).status === 200;
  } catch (error) {
    // Connection refused is a failed check; anything else (a step limit) ends the run.
    if (String((error as { code?: unknown }).code).startsWith('HTTP_')) return false;
    throw error;
  }
}

/** Polls every minute; on the first failure fails over to the first healthy candidate and reports. */
const reference: ScriptedAgent = async (tools) => {
  const config = JSON.parse(await tools.readFile('/etc/app/config.json')) as { upstream: string; candidates: string[] };
  const end = (await tools.now()) + 2 * 3_600_000;
  while ((await tools.now()) < end) {
    if (!(await healthy(tools, config.upstream))) {
      const detectedAt = new Date(await tools.now()).toISOString();
      const failed = config.upstream;
      let next: string | undefined;
      for (const candidate of config.candidates) {
        if (await healthy(tools, candidate)) {
          next = candidate;
          break;
        }
      }
      if (next === undefined) throw new Error('no healthy candidate');
      await tools.writeFile('/etc/app/config.json', JSON.stringify({ ...config, upstream: next }, null, 2));
      await tools.writeFile('/var/incidents/incident.md', `# Incident\n\nDetected: ${detectedAt}\nFailed: ${failed}\nFailover: ${next}\n`);
      await tools.http('https://status.example.com/api/incidents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ failed, failover_to: next, detected_at: detectedAt }),
      });
      await tools.submit(next);
      return;
    }
    await tools.sleep(60_000);
  }
  await tools.submit(config.upstream);
};

export default reference;
