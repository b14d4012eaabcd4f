export { AuditLog, summarizeArgs, type AuditRecord, type AuditInput, type AuditLogOptions } from './audit-log.js';
export { readAudit, type ReadAuditOptions } from './read-audit.js';
