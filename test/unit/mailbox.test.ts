import { describe, expect, it } from 'vitest';
import { KernelError } from '../../kernel/errors.js';
import { Mailbox } from '../../kernel/mailbox.js';
import type { Message } from '../../sdk/types.js';

// The mailbox never looks inside a message; only its identity matters here.
const msg = (id: number): Message => ({ id, from: null, to: 1, time: 0, payload: { n: id } }) as unknown as Message;
const ids = async (box: Mailbox, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await box.receive(0))?.id ?? -1);
  return out;
};

describe('Mailbox', () => {
  it('hands messages out first in, first out, and counts unread messages and bytes', async () => {
    const box = new Mailbox('worker', 10);
    box.deliver(msg(1), 5);
    box.deliver(msg(2), 7);
    box.deliver(msg(3));
    expect(box.length).toBe(3);
    expect(box.bytes).toBe(12);
    expect(await box.receive(0)).toMatchObject({ id: 1 });
    expect(box.bytes).toBe(7);
    expect(await ids(box, 2)).toEqual([2, 3]);
    expect(box.length).toBe(0);
    expect(box.bytes).toBe(0);
  });

  it('refuses a message past its capacity with IPC_MAILBOX_FULL and keeps what it holds', async () => {
    const box = new Mailbox('worker', 2);
    box.deliver(msg(1));
    box.deliver(msg(2));
    let error: unknown;
    try {
      box.deliver(msg(3));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KernelError);
    expect(error).toMatchObject({ code: 'IPC_MAILBOX_FULL', details: { capacity: 2 } });
    expect((error as Error).message).toMatch(/mailbox of worker is full \(2 unread messages\).*retry later/);
    expect((error as KernelError).retryable).toBe(true);
    expect(box.length).toBe(2);
    await box.receive(0);
    box.deliver(msg(4));
    expect(await ids(box, 2)).toEqual([2, 4]);
  });

  it('refuses a message over the byte quota, reading the quota at each delivery', () => {
    let limit = 10;
    const box = new Mailbox('worker', 100, () => limit);
    box.deliver(msg(1), 6);
    expect(() => box.deliver(msg(2), 5)).toThrow(expect.objectContaining({ code: 'QUOTA_EXCEEDED', details: expect.objectContaining({ limit: 10, requested: 11 }) }));
    expect(box.bytes).toBe(6);
    box.deliver(msg(3), 4);
    limit = 20;
    box.deliver(msg(4), 10);
    expect(box.bytes).toBe(20);
    expect(box.bytesLimit).toBe(20);
  });

  it('hands a message straight to a parked receiver, skipping the queue and its limits', async () => {
    const box = new Mailbox('worker', 0, () => 0);
    const waiting = box.receive(5000);
    box.deliver(msg(9), 100);
    expect(await waiting).toMatchObject({ id: 9 });
    expect(box.length).toBe(0);
    expect(box.bytes).toBe(0);
  });

  it('answers null at once with timeout 0, and after the timeout otherwise', async () => {
    const box = new Mailbox('worker', 1);
    expect(await box.receive(0)).toBeNull();
    const started = Date.now();
    expect(await box.receive(30)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('ends a parked receive with null when its signal aborts, and the next message is queued', async () => {
    const box = new Mailbox('worker', 5);
    const controller = new AbortController();
    const waiting = box.receive(5000, controller.signal);
    controller.abort();
    expect(await waiting).toBeNull();
    box.deliver(msg(1));
    expect(box.length).toBe(1);
  });

  it('on close wakes every parked receiver with null and drops unread messages', async () => {
    const box = new Mailbox('worker', 5);
    const parked = [box.receive(5000), box.receive(5000)];
    box.close();
    expect(await Promise.all(parked)).toEqual([null, null]);
    box.deliver(msg(1), 3);
    box.close();
    expect(box.length).toBe(0);
    expect(box.bytes).toBe(0);
  });
});
