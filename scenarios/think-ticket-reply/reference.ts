import type { ScriptedAgent } from '../../gym/tools.js';

/** Finds the open ticket, asks THINK with its subject and order, files the reply as it came. */
const reference: ScriptedAgent = async (tools) => {
  for (const entry of await tools.listDir('/support/inbox')) {
    const text = await tools.readFile(`/support/inbox/${entry.name}`);
    if (!text.startsWith('Status: open')) continue;
    const subject = /^Subject: (.*)$/m.exec(text)?.[1] ?? '';
    const order = /^Order: (.*)$/m.exec(text)?.[1] ?? '';
    const id = entry.name.replace(/\.txt$/, '');
    const reply = await tools.think(`Draft a short, friendly reply to support ticket "${subject}" about order ${order}.`, {
      system: 'You are a support agent.',
    });
    await tools.writeFile(`/support/outbox/${id}.txt`, reply);
    await tools.submit(id);
    return;
  }
  await tools.submit(null);
};

export default reference;
