/**
 * Progress of a run for people: on a TTY a bar (cli-progress) with counts and ETA, retries logged
 * above it; otherwise (CI logs, pipes) one line per finished episode.
 */
import cliProgress from 'cli-progress';
import type { EpisodeResult } from '../reports/index.js';
import type { RunEvent } from './runner.js';

export interface ProgressOptions {
  /** Draw a bar (default: the stream is a TTY). */
  tty?: boolean;
  stream?: NodeJS.WriteStream;
}

function describe(r: EpisodeResult): string {
  const why = r.error ? ` — ${r.error.code}: ${r.error.message.split('\n')[0]}` : r.success ? '' : ` — ${r.checks.filter((c) => !c.passed).map((c) => c.id).join(', ') || r.reason}`;
  return `${r.scenario} ${r.agentId} seed ${r.seed}${r.repeat ? ` repeat ${r.repeat}` : ''}: ${r.outcome} (${r.reason}) reward ${r.reward} ${Math.round(r.wallMs)}ms${why}`;
}

/**
 * A `RunEvent` handler that shows progress, and `stop()` to end it.
 *
 * @example
 * const progress = createProgress();
 * await runSuite(suite, { out, host, onEvent: progress.onEvent });
 * progress.stop();
 */
export function createProgress(options: ProgressOptions = {}): { onEvent(event: RunEvent): void; stop(): void } {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? Boolean(stream.isTTY);
  const counts = { succeeded: 0, failed: 0, truncated: 0, errored: 0 };
  if (!tty) {
    return {
      onEvent(event) {
        if (event.type === 'planned') {
          stream.write(`${event.total} episodes${event.shard ? ` in shard ${event.shard.index}/${event.shard.count}` : ''}; ${event.finished} already finished, ${event.toRun} to run\n`);
        } else if (event.type === 'finished') {
          counts[event.result.outcome]++;
          stream.write(`[${event.done}/${event.total}] ${describe(event.result)}\n`);
        } else if (event.type === 'retry') {
          stream.write(`retry ${event.key} (attempt ${event.attempt} failed: ${event.code}: ${event.message})\n`);
        } else if (event.type === 'interrupted') {
          stream.write(`interrupted: ${event.inFlight} episodes in flight are dropped (--resume runs them); writing reports for what finished\n`);
        }
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: ' {bar} {value}/{total} episodes | {succeeded} ok, {failed} failed, {truncated} truncated, {errored} errored | {duration_formatted} elapsed, ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  return {
    onEvent(event) {
      if (event.type === 'planned') {
        bar = multi.create(event.total, event.finished, counts);
      } else if (event.type === 'finished') {
        counts[event.result.outcome]++;
        if (!event.result.success) multi.log(`${describe(event.result)}\n`);
        bar?.update(event.done, counts);
      } else if (event.type === 'retry') {
        multi.log(`retry ${event.key}: ${event.code}: ${event.message}\n`);
      } else if (event.type === 'interrupted') {
        multi.log(`interrupted: ${event.inFlight} in flight dropped; writing reports for what finished\n`);
      }
    },
    stop() {
      multi.stop();
    },
  };
}
