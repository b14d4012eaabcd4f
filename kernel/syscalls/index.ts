import type { Syscall } from '../syscall.js';
import { agentSyscalls } from './agents.js';
import { eventSyscalls } from './events.js';
import { execSyscalls } from './exec.js';
import { fileSyscalls } from './files.js';
import { httpSyscalls } from './http.js';
import { ipcSyscalls } from './ipc.js';
import { metricsSyscalls } from './metrics.js';
import { permSyscalls } from './perms.js';
import { storeSyscalls } from './store.js';
import { systemSyscalls } from './system.js';
import { thinkSyscalls } from './think.js';
import { timeSyscalls } from './time.js';
import { worldSyscalls } from './worlds.js';

/** The syscall table: every call the kernel serves, by group. */
export const SYSCALLS: readonly Syscall[] = [
  ...systemSyscalls,
  ...agentSyscalls,
  ...ipcSyscalls,
  ...storeSyscalls,
  ...eventSyscalls,
  ...metricsSyscalls,
  ...fileSyscalls,
  ...execSyscalls,
  ...httpSyscalls,
  ...permSyscalls,
  ...thinkSyscalls,
  ...worldSyscalls,
  ...timeSyscalls,
];
