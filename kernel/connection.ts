import type { Socket } from 'node:net';
import { Codec, decodePayload, encodePayload, type CodecId } from '../sdk/protocol/codec.js';
import { ErrorCode } from '../sdk/protocol/error-codes.js';
import { encodeFrame, FrameDecoder, FrameError, FrameKind, type Frame } from '../sdk/protocol/frame.js';
import { hex, opcodeName } from '../sdk/protocol/opcodes.js';
import { PayloadShapeError, type PayloadLimits } from '../sdk/protocol/payload-shape.js';
import type { KernelEvent } from '../sdk/types.js';
import { asArgs } from './args.js';
import { KernelError, toKernelError } from './errors.js';
import type { AnsweredCall } from './call-observer.js';
import type { Caller } from './caller.js';
import type { Subscription } from './event-bus.js';
import type { ResolvedKernelOptions } from './options.js';
import type { CallContext, CallerConnection, Syscall, SyscallHost } from './syscall.js';

/** What a connection needs from the kernel that serves it. */
export interface ConnectionHost {
  readonly options: Pick<ResolvedKernelOptions, 'maxFrameSize' | 'maxPayloadDepth' | 'maxPayloadValues' | 'maxPendingWriteBytes' | 'quotas' | 'log'>;
  /** What the connection's syscall handlers see. */
  readonly syscallHost: SyscallHost;
  syscall(opcode: number): Syscall | undefined;
  /** Every answered call, for the observers (audit log, metrics); never decides the answer. */
  recordCall(call: AnsweredCall): void;
  /** The connection said HELLO: it no longer counts as anonymous. */
  connectionIdentified(conn: Connection): void;
  connectionClosed(conn: Connection): void;
}

// Past this many unanswered requests the kernel stops reading until some are answered.
const MAX_IN_FLIGHT = 4096;

/**
 * One client connection: decodes frames, runs each request concurrently and writes responses as
 * they complete (so they may come back out of order). Framing violations end the connection
 * after an error frame; everything else is answered per request.
 */
export class Connection implements CallerConnection {
  readonly id: number;
  #caller: Caller;
  subscription: Subscription | null = null;
  private readonly decoder: FrameDecoder;
  private readonly limits: PayloadLimits;
  private readonly abort = new AbortController();
  private inFlight = 0;
  private paused = false;
  private closed = false;
  private pushCodec: CodecId = Codec.MSGPACK;

  constructor(
    private readonly kernel: ConnectionHost,
    private readonly socket: Socket,
    id: number,
    caller: Caller,
  ) {
    this.id = id;
    this.#caller = caller;
    this.limits = { maxDepth: kernel.options.maxPayloadDepth, maxValues: kernel.options.maxPayloadValues };
    // Before HELLO only small frames: an anonymous peer cannot make the kernel buffer 16 MiB.
    this.decoder = new FrameDecoder(caller.role === 'anonymous' ? Math.min(kernel.options.quotas.preHelloFrameBytes, kernel.options.maxFrameSize) : kernel.options.maxFrameSize);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    socket.on('end', () => this.close());
  }

  get caller(): Caller {
    return this.#caller;
  }

  /** HELLO switches identity; an identified connection may send frames up to the kernel's maximum. */
  set caller(caller: Caller) {
    const wasAnonymous = this.#caller.role === 'anonymous';
    this.#caller = caller;
    if (caller.role !== 'anonymous') this.decoder.maxFrameSize = this.kernel.options.maxFrameSize;
    if (wasAnonymous && caller.role !== 'anonymous') this.kernel.connectionIdentified(this);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes a pushed event frame (SUBSCRIBE with push: true). */
  pushEvent(event: KernelEvent): void {
    let body: Uint8Array;
    try {
      body = encodePayload(this.pushCodec, event);
    } catch (error) {
      this.kernel.options.log(`connection ${this.id}: event #${event.seq} (${event.type}) could not be encoded: ${(error as Error).message}`);
      return;
    }
    this.write(encodeFrame({ kind: FrameKind.EVENT, opcode: 0x62, codec: this.pushCodec, requestId: 0 }, body));
  }

  setPushCodec(codec: CodecId): void {
    this.pushCodec = codec;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.socket.destroy();
    this.kernel.connectionClosed(this);
  }

  private onData(chunk: Buffer): void {
    // After a framing error the stream is not read any more: what a client keeps sending is dropped.
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      let fe = error instanceof FrameError ? error : new FrameError(ErrorCode.FRAME_MALFORMED, String(error));
      if (fe.code === ErrorCode.FRAME_TOO_LARGE && this.#caller.role === 'anonymous') {
        fe = new FrameError(
          fe.code,
          `${fe.message}: before HELLO a connection may send frames of at most ${this.decoder.maxFrameSize} bytes (the pre_hello_frame_bytes quota); send HELLO first`,
          fe.requestId,
        );
      }
      this.fail(fe);
      return;
    }
    if (frames.length === 1) return this.handleSafely(frames[0]!);
    if (frames.length === 0) return;
    this.socket.cork();
    for (const frame of frames) this.handleSafely(frame);
    process.nextTick(() => this.socket.uncork());
  }

  /** Whatever goes wrong with one request is that request's error, never the kernel's end. */
  private handleSafely(frame: Frame): void {
    try {
      this.handle(frame);
    } catch (error) {
      this.kernel.options.log(`connection ${this.id}: request ${frame.requestId} (opcode ${hex(frame.opcode)}) failed outside its handler: ${(error as Error)?.stack ?? String(error)}`);
      try {
        this.sendError(frame, toKernelError(error));
      } catch {
        // Nothing more can be said on this connection.
      }
    }
  }

  private handle(frame: Frame): void {
    const codec = frame.codec;
    if (frame.kind !== FrameKind.REQUEST) {
      this.sendError(frame, new KernelError(ErrorCode.BAD_REQUEST, `clients may only send request frames (kind 1); got kind ${frame.kind}`));
      return;
    }
    let payload: unknown;
    try {
      payload = decodePayload(codec, frame.payload, this.limits);
    } catch (error) {
      if (error instanceof PayloadShapeError) {
        const option = error.limit === 'depth' ? 'maxPayloadDepth' : 'maxPayloadValues';
        this.sendError(
          frame,
          new KernelError(ErrorCode.PAYLOAD_TOO_COMPLEX, `request ${frame.requestId}: the payload is refused before decoding: ${error.message} (the kernel's ${option} is ${error.max}); send flatter or smaller data`, {
            limit: error.limit,
            max: error.max,
          }),
        );
        return;
      }
      const name = codec === Codec.JSON ? 'JSON' : 'msgpack';
      this.sendError(frame, new KernelError(ErrorCode.PAYLOAD_INVALID, `request ${frame.requestId}: the payload is not valid ${name}: ${(error as Error).message}`));
      return;
    }
    const syscall = this.kernel.syscall(frame.opcode);
    if (!syscall) {
      const name = opcodeName(frame.opcode);
      const what = name ? `${name} (${hex(frame.opcode)}) is not implemented by this kernel yet` : `opcode ${hex(frame.opcode)} is unknown`;
      this.sendError(frame, new KernelError(ErrorCode.NOT_IMPLEMENTED, `${what}; see docs/protocol.md for the opcodes this kernel serves`, { opcode: frame.opcode }));
      return;
    }
    const denied = this.checkAccess(syscall);
    if (denied) {
      this.sendError(frame, denied);
      return;
    }
    const started = performance.now();
    const ctx: CallContext = { kernel: this.kernel.syscallHost, conn: this, caller: this.caller, op: syscall.op, signal: this.abort.signal, codec };
    let result: unknown;
    try {
      result = syscall.handle(ctx, asArgs(syscall.op, typeof payload === 'string' && syscall.stringPayload ? { [syscall.stringPayload]: payload } : payload));
    } catch (error) {
      this.finish(frame, syscall, payload, started, undefined, toKernelError(error));
      return;
    }
    if (result instanceof Promise) {
      this.track(1);
      result
        .then(
          (value) => this.finish(frame, syscall, payload, started, value, undefined),
          (error) => this.finish(frame, syscall, payload, started, undefined, toKernelError(error)),
        )
        .catch((error: unknown) => this.kernel.options.log(`connection ${this.id}: answering ${syscall.op} failed: ${String(error)}`))
        .finally(() => this.track(-1));
    } else {
      this.finish(frame, syscall, payload, started, result, undefined);
    }
  }

  private finish(frame: Frame, syscall: Syscall, payload: unknown, started: number, value: unknown, error: KernelError | undefined): void {
    // Observers (the audit log, metrics) never decide the answer: recordCall contains their failures.
    this.kernel.recordCall({ caller: this.caller, op: syscall.op, args: payload, durationMs: performance.now() - started, ...(error ? { error } : {}) });
    if (error) return this.sendError(frame, error);
    let body: Uint8Array;
    try {
      body = encodePayload(frame.codec, value);
    } catch (e) {
      return this.sendError(frame, new KernelError(ErrorCode.INTERNAL, `could not encode the ${syscall.op} result: ${(e as Error).message}`));
    }
    this.write(encodeFrame({ kind: FrameKind.RESPONSE, opcode: frame.opcode, codec: frame.codec, requestId: frame.requestId }, body));
  }

  private checkAccess(syscall: Syscall): KernelError | undefined {
    const caller = this.caller;
    if (syscall.access === 'public') return undefined;
    if (caller.role === 'anonymous') {
      return new KernelError(ErrorCode.UNAUTHENTICATED, `${syscall.op} needs an identity: send HELLO with the operator token or your agent token (CLOVE_TOKEN) first`);
    }
    if (syscall.access === 'operator' && caller.role === 'agent' && !(syscall.grant && caller.agent.grants.has(syscall.grant))) {
      return new KernelError(
        ErrorCode.FORBIDDEN,
        `${syscall.op} is for operators; agent '${caller.agent.name}' has not been granted '${syscall.grant ?? syscall.op.toLowerCase()}'`,
      );
    }
    return undefined;
  }

  private sendError(frame: Pick<Frame, 'opcode' | 'codec' | 'requestId'>, error: KernelError): void {
    const body = { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
    let bytes: Uint8Array;
    try {
      bytes = encodePayload(frame.codec, body);
    } catch {
      // Details that cannot be encoded are dropped rather than the answer.
      bytes = encodePayload(frame.codec, { code: error.code, message: error.message });
    }
    this.write(encodeFrame({ kind: FrameKind.ERROR, opcode: frame.opcode, codec: frame.codec, requestId: frame.requestId }, bytes));
  }

  /** A framing violation: answer once (JSON, readable by anyone) and hang up. */
  private fail(error: FrameError): void {
    if (this.closed) return;
    this.sendError({ opcode: 0, codec: Codec.JSON, requestId: error.requestId }, new KernelError(error.code, error.message));
    this.closed = true;
    this.abort.abort();
    this.decoder.reset();
    this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.kernel.connectionClosed(this);
  }

  private write(bytes: Buffer): void {
    if (this.closed && !this.socket.writable) return;
    if (this.socket.writableLength > this.kernel.options.maxPendingWriteBytes) {
      // A client that does not read its responses cannot hold the kernel's memory hostage.
      this.kernel.options.log(`connection ${this.id}: closed, ${this.socket.writableLength} bytes unread by the client`);
      this.close();
      return;
    }
    this.socket.write(bytes);
  }

  private track(delta: number): void {
    this.inFlight += delta;
    if (!this.paused && this.inFlight >= MAX_IN_FLIGHT) {
      this.paused = true;
      this.socket.pause();
    } else if (this.paused && this.inFlight < MAX_IN_FLIGHT / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
