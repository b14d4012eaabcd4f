/**
 * `clove/dashboard`: the local web dashboard (`clove dashboard`) as a library — live agents,
 * worlds, events, the audit log, and a viewer for bench results and gym recordings.
 *
 * @example
 * import { startDashboard } from 'clove/dashboard';
 * const dashboard = await startDashboard({ embedded: true, port: 0, results: 'bench-out' });
 * console.log(`open ${dashboard.loginUrl}`);
 */
export { startDashboard, DEFAULT_DASHBOARD_PORT, type DashboardOptions, type DashboardHandle } from './dashboard.js';
export { DashboardError } from './errors.js';
export type { AgentView, WorldView, WorldDetail, TimelineEntryView, KernelView, Snapshot, EventView, SpawnInput } from './kernel-link.js';
export type { RunEntry, RecordingEntry, RunView, EpisodeRow, TrajectoryEpisode, TrajectoryStep, CompareView } from './results-library.js';
export type { AuditFilter, AuditPage } from './audit-view.js';
