export { connect, CloveClient, type ConnectOptions, type CallOptions } from './client.js';
export { runAgent, connectAgent } from './agent.js';
export { task, submit, GYM_SUBMIT_EVENT, type GymTask } from './gym.js';
export { CloveError, ClientErrorCode, toError } from './errors.js';
export { defaultSocketPath } from './socket-path.js';
export { Opcode, opcodeName, type OpcodeName } from './protocol/opcodes.js';
export {
  ErrorCode,
  ERROR_CODES,
  errorCodeInfo,
  isRetryable,
  isWireCode,
  type ErrorCodeValue,
  type ClientErrorCodeValue,
  type LibraryErrorCodeValue,
  type CloveErrorCode,
  type ErrorCodeInfo,
  type ErrorScope,
  type RegisteredErrorCode,
} from './protocol/error-codes.js';
export { Codec } from './protocol/codec.js';
export { FrameKind, HEADER_SIZE, PROTOCOL_VERSION, DEFAULT_MAX_FRAME_SIZE } from './protocol/frame.js';
export * from './types.js';
