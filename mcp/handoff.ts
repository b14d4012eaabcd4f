import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * How the identity agent hands its token to the `clove mcp` server that spawned it: one log line,
 * sealed (AES-256-GCM) with a one-time key the server passed in the agent's environment. Agent
 * logs are read by operators and the agent itself; sealed, the line gives nobody else the token.
 */
export const HANDOFF_PREFIX = 'clove-mcp-handoff ';

/** A fresh one-time key, as 64 hex digits. */
export function handoffKey(): string {
  return randomBytes(32).toString('hex');
}

/** The log line carrying `token` sealed with `keyHex`. */
export function sealToken(token: string, keyHex: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), iv);
  const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return HANDOFF_PREFIX + [iv, body, cipher.getAuthTag()].map((b) => b.toString('base64')).join('.');
}

/** The token in a handoff line, or null when the line is not one or was sealed with another key. */
export function openToken(line: string, keyHex: string): string | null {
  if (!line.startsWith(HANDOFF_PREFIX)) return null;
  const parts = line.slice(HANDOFF_PREFIX.length).trim().split('.');
  if (parts.length !== 3) return null;
  const [iv, body, tag] = parts.map((p) => Buffer.from(p, 'base64')) as [Buffer, Buffer, Buffer];
  try {
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
