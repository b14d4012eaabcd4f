import { describe, expect, it } from 'vitest';
import { handoffKey, HANDOFF_PREFIX, openToken, sealToken } from '../../mcp/handoff.js';

describe('the identity token handoff', () => {
  it('opens a sealed token with its key, and with no other key', () => {
    const key = handoffKey();
    const line = sealToken('0123abcd'.repeat(6), key);
    expect(line.startsWith(HANDOFF_PREFIX)).toBe(true);
    expect(line).not.toContain('0123abcd');
    expect(openToken(line, key)).toBe('0123abcd'.repeat(6));
    expect(openToken(line, handoffKey())).toBeNull();
  });

  it('refuses a line that is not a handoff, or was tampered with', () => {
    const key = handoffKey();
    const line = sealToken('secret-token', key);
    expect(openToken('hello from an agent', key)).toBeNull();
    const [iv, body, tag] = line.slice(HANDOFF_PREFIX.length).split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(openToken(`${HANDOFF_PREFIX}${iv}.${flipped.toString('base64')}.${tag}`, key)).toBeNull();
    expect(openToken(`${HANDOFF_PREFIX}${iv}.${body}`, key)).toBeNull();
  });
});
