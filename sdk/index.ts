export { connect, CloveClient, type ConnectOptions, type CallOptions } from './client.js';
export { runAgent, connectAgent } from './agent.js';
export { CloveError, ClientErrorCode } from './errors.js';
export { defaultSocketPath } from './socket-path.js';
export { Opcode, opcodeName, type OpcodeName } from './protocol/opcodes.js';
export { ErrorCode, type ErrorCodeValue } from './protocol/error-codes.js';
export { Codec } from './protocol/codec.js';
export { FrameKind, HEADER_SIZE, PROTOCOL_VERSION, DEFAULT_MAX_FRAME_SIZE } from './protocol/frame.js';
export * from './types.js';
