/**
 * Syscall numbers. The seed's numbering is kept; new calls take free numbers in the group they
 * belong to. docs/protocol.md is the reference for every request and response shape.
 */
export const Opcode = {
  NOOP: 0x00,
  THINK: 0x01,
  READ: 0x02,
  WRITE: 0x03,
  EXEC: 0x04,
  STAT: 0x05,
  LISTDIR: 0x06,
  UNLINK: 0x07,
  MKDIR: 0x08,

  SPAWN: 0x10,
  KILL: 0x11,
  LIST: 0x12,
  WAIT: 0x13,
  LOGS: 0x14,
  PAUSE: 0x15,
  RESUME: 0x16,

  SEND: 0x20,
  RECV: 0x21,
  BROADCAST: 0x22,

  STORE: 0x30,
  FETCH: 0x31,
  DELETE: 0x32,
  KEYS: 0x33,

  GET_PERMS: 0x40,
  SET_PERMS: 0x41,

  HTTP: 0x50,

  SUBSCRIBE: 0x60,
  UNSUBSCRIBE: 0x61,
  POLL_EVENTS: 0x62,
  EMIT: 0x63,

  TIME: 0x70,
  SLEEP: 0x71,

  WORLD_CREATE: 0xa0,
  WORLD_DESTROY: 0xa1,
  WORLD_LIST: 0xa2,
  WORLD_JOIN: 0xa3,
  WORLD_LEAVE: 0xa4,
  WORLD_EVENT: 0xa5,
  WORLD_STATE: 0xa6,
  WORLD_SNAPSHOT: 0xa7,
  WORLD_RESTORE: 0xa8,

  METRICS_SYSTEM: 0xc0,
  METRICS_AGENT: 0xc1,
  METRICS_ALL_AGENTS: 0xc2,
  METRICS_CGROUP: 0xc3,

  HELLO: 0xf0,
  STATUS: 0xf1,
  SHUTDOWN: 0xf2,
} as const;

export type OpcodeName = keyof typeof Opcode;
export type OpcodeNumber = (typeof Opcode)[OpcodeName];

const names = new Map<number, OpcodeName>(
  Object.entries(Opcode).map(([name, code]) => [code, name as OpcodeName]),
);

/** The name of an opcode, or `undefined` when the number is not assigned. */
export function opcodeName(code: number): OpcodeName | undefined {
  return names.get(code);
}

/** `0x2a` style rendering used in error messages and the audit log. */
export function hex(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`;
}
