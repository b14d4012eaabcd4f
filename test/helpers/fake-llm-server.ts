import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** What the fake server saw: one entry per request. */
export interface SeenRequest {
  at: number;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export type Wire = 'openai' | 'gemini';

/** A scripted answer: what the model says, or an HTTP failure, or silence. */
export type Reply =
  | { text: string; usage?: [number, number] }
  | { toolCall: { name: string; arguments: Record<string, unknown> } }
  | { status: number; headers?: Record<string, string>; body?: string }
  | { raw: string }
  | { hang: true };

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI chat completions or the Gemini
 * generateContent wire format, answering from a queue of scripted replies (then `text: ok`).
 */
export class FakeLlmServer {
  readonly seen: SeenRequest[] = [];
  private readonly queue: Reply[] = [];
  private readonly server: Server;
  private readonly hanging = new Set<ServerResponse>();
  port = 0;

  constructor(readonly wire: Wire) {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c));
      req.on('end', () => {
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          /* keep text */
        }
        this.seen.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        this.answer(res, this.queue.shift() ?? { text: 'ok' });
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** The base URL a provider is given. */
  get baseUrl(): string {
    return this.wire === 'openai' ? `http://127.0.0.1:${this.port}/v1` : `http://127.0.0.1:${this.port}`;
  }

  next(...replies: Reply[]): void {
    this.queue.push(...replies);
  }

  reset(): void {
    this.queue.length = 0;
    this.seen.length = 0;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private answer(res: ServerResponse, reply: Reply): void {
    if ('hang' in reply) {
      this.hanging.add(res);
      return;
    }
    if ('raw' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(reply.raw);
      return;
    }
    if ('status' in reply) {
      const body =
        reply.body ??
        (this.wire === 'openai'
          ? JSON.stringify({ error: { message: `scripted ${reply.status}`, type: 'server_error' } })
          : JSON.stringify({ error: { code: reply.status, message: `scripted ${reply.status}`, status: 'UNAVAILABLE' } }));
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(this.wire === 'openai' ? openAiBody(reply) : geminiBody(reply)));
  }
}

function openAiBody(reply: Extract<Reply, { text: string } | { toolCall: unknown }>): unknown {
  const message =
    'text' in reply
      ? { role: 'assistant', content: reply.text }
      : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) } }] };
  const [p, c] = 'text' in reply && reply.usage ? reply.usage : [11, 3];
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 0,
    model: 'fake-model',
    choices: [{ index: 0, message, finish_reason: 'text' in reply ? 'stop' : 'tool_calls' }],
    usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
  };
}

function geminiBody(reply: Extract<Reply, { text: string } | { toolCall: unknown }>): unknown {
  const part = 'text' in reply ? { text: reply.text } : { functionCall: { name: reply.toolCall.name, args: reply.toolCall.arguments } };
  const [p, c] = 'text' in reply && reply.usage ? reply.usage : [11, 3];
  return {
    candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: p, candidatesTokenCount: c, totalTokenCount: p + c },
    modelVersion: 'fake-gemini',
  };
}
