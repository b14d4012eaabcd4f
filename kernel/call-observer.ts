import type { OpcodeName } from '../sdk/protocol/opcodes.js';
import type { Caller } from './caller.js';
import type { KernelError } from './errors.js';

/** One answered syscall, as observers see it. */
export interface AnsweredCall {
  caller: Caller;
  op: OpcodeName;
  args: unknown;
  durationMs: number;
  error?: KernelError;
}

/** Observes every answered syscall (the audit log is one). */
export type CallObserver = (call: AnsweredCall) => void;

/** The kernel's observers: each is told of every answered call; one that throws is logged and skipped. */
export class CallObservers {
  private readonly list: CallObserver[] = [];

  constructor(private readonly log: (line: string) => void) {}

  add(observer: CallObserver): void {
    this.list.push(observer);
  }

  /** Tells every observer; the call is answered whatever they do. */
  record(call: AnsweredCall): void {
    for (const observer of this.list) {
      try {
        observer(call);
      } catch (failure) {
        this.log(`an observer of ${call.op} failed (the call was answered): ${(failure as Error)?.message ?? String(failure)}`);
      }
    }
  }
}
