/**
 * hello: the smallest Clove agent. It echoes a message through the kernel and prints the reply.
 *
 *   clove agent run examples/agents/hello/hello.ts --wait -- "hi there"
 *   node --import tsx examples/agents/hello/hello.ts     # as an operator, against a running kernel
 */
import { runAgent } from 'clove/sdk';

await runAgent(async (clove) => {
  const message = process.argv.slice(2).join(' ') || 'hello from typescript';
  const reply = await clove.echo(message);
  const who = clove.identity?.agentName ?? clove.identity?.role ?? 'anonymous';
  console.log(`${who}: kernel echoed ${JSON.stringify(reply)}`);
  if (reply !== message) process.exitCode = 1;
});
