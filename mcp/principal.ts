/**
 * The MCP identity's agent process. `clove mcp` spawns it (as operator) with the rights the
 * operator chose and then calls the kernel with its token, so every MCP tool call is checked
 * against those rights and audited under this agent's name.
 *
 * It prints its token sealed with the server's one-time key (see handoff.ts), then stays alive (the
 * token dies with it) until it is killed, or until the server's process is gone when it can see
 * it (CLOVE_MCP_SERVER_PID; not from inside a PID namespace).
 */
import { sealToken } from './handoff.js';

function serverGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but runs as another user (the kernel may drop agents to an unprivileged uid).
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const token = process.env.CLOVE_TOKEN;
const key = process.env.CLOVE_MCP_HANDOFF;
if (!token || !key || !/^[0-9a-f]{64}$/.test(key)) {
  process.stderr.write('clove mcp identity: started without CLOVE_TOKEN or CLOVE_MCP_HANDOFF; only `clove mcp` starts this agent\n');
  process.exit(2);
}
process.stdout.write(`${sealToken(token, key)}\n`);
const pid = Number(process.env.CLOVE_MCP_SERVER_PID);
// Inside a PID namespace the server is invisible from the start: then only a kill ends this agent.
const watch = Number.isInteger(pid) && pid > 0 && !serverGone(pid);
setInterval(() => {
  if (watch && serverGone(pid)) process.exit(0);
}, 2000);
process.on('SIGTERM', () => process.exit(0));
