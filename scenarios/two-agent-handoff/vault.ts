import type { ScriptedAgent } from '../../gym/tools.js';

interface VaultData {
  ticket: string;
  code: string;
  delay_ms: number;
}

/**
 * The scripted peer: answers requests after `delay_ms` of world time, grants only the right
 * ticket, logs requests and acks under /vault. Ends after an ack, or after a day without messages.
 * Its receive timeouts are world time: on a discrete clock they expire only while every agent of
 * the episode waits (the evaluated agent included), so they never cut the evaluated agent short.
 */
const vault: ScriptedAgent = async (tools, task) => {
  const data = task.data as unknown as VaultData;
  const requests: string[] = [];
  const acks: string[] = [];
  for (let idle = 0; idle < 24; ) {
    const { from, message } = await tools.recv({ timeoutMs: 3_600_000 });
    if (from === null) {
      idle++;
      continue;
    }
    const m = (message ?? {}) as { type?: string; ticket?: string; code?: string };
    if (m.type === 'request') {
      await tools.sleep(data.delay_ms);
      const ok = m.ticket === data.ticket;
      requests.push(`request ${String(m.ticket)} ${ok ? 'granted' : 'deny'}`);
      await tools.writeFile('/vault/requests.log', `${requests.join('\n')}\n`);
      await tools.send(from, ok ? { type: 'grant', code: data.code } : { type: 'deny', reason: `unknown ticket ${String(m.ticket)}` });
    } else if (m.type === 'ack') {
      acks.push(`ack ${String(m.ticket)} ${String(m.code)}`);
      await tools.writeFile('/vault/acks.log', `${acks.join('\n')}\n`);
      return;
    }
  }
};

export default vault;
