import type { ScriptedAgent } from '../../gym/tools.js';

/** Sends the request, waits for the grant on the world clock, writes the code, acknowledges. */
const reference: ScriptedAgent = async (tools) => {
  const ticket = (await tools.readFile('/task/ticket.txt')).trim();
  await tools.send('vault', { type: 'request', ticket });
  for (;;) {
    const { from, message } = await tools.recv({ timeoutMs: 10 * 60_000 });
    if (from !== 'vault') throw new Error('the vault did not answer within 10 minutes');
    const m = message as { type: string; code?: string; reason?: string };
    if (m.type === 'deny') throw new Error(`denied: ${m.reason}`);
    if (m.type !== 'grant' || m.code === undefined) continue;
    await tools.writeFile('/out/release-code.txt', `${m.code}\n`);
    await tools.send('vault', { type: 'ack', ticket, code: m.code });
    await tools.submit(m.code);
    return;
  }
};

export default reference;
