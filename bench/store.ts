/**
 * The results directory of a run, written as the run goes so a crash or Ctrl-C loses at most the
 * episodes in flight:
 *
 *   run.json                  suite, shard and environment, written first
 *   episodes/<episode>.json   one EpisodeResult per finished episode, written atomically (temp + rename)
 *   trajectories/<episode>.jsonl
 *   infrastructure.jsonl      one line per harness failure (retried or not)
 *   results.json, report.md, report.html, junit.xml   written at the end (and on Ctrl-C)
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentInfo, EpisodeResult, InfrastructureSummary, SuiteInfo } from '../reports/index.js';
import { writeFileAtomic } from '../reports/index.js';
import { ResumeMismatchError } from './errors.js';
import type { Shard } from './shard.js';

/** run.json: what a directory holds results of. */
export interface RunManifest {
  format: 'clove-run';
  version: 1;
  suite: SuiteInfo;
  shard: Shard | null;
  /** Keys of the episodes this run (or shard) plans. */
  planned: number;
  environment: EnvironmentInfo;
  startedAt: string;
  concurrency: number;
}

export type InfrastructureEntry = NonNullable<InfrastructureSummary['errors']>[number];

/** A file name for an episode key: readable, and unique through a short hash of the key. */
export function episodeFileName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);
  return `${readable}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

export class ResultsStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  get episodesDir(): string {
    return join(this.dir, 'episodes');
  }

  get trajectoriesDir(): string {
    return join(this.dir, 'trajectories');
  }

  /** Creates the directory layout; refuses a directory that holds another suite's run. */
  open(manifest: RunManifest, options: { resume: boolean }): void {
    mkdirSync(this.episodesDir, { recursive: true });
    mkdirSync(this.trajectoriesDir, { recursive: true });
    const existing = this.manifest();
    if (existing) {
      if (existing.suite.hash !== manifest.suite.hash) {
        throw new ResumeMismatchError(
          `${this.dir} holds results of suite ${existing.suite.name} (hash ${existing.suite.hash.slice(0, 12)}), not of ${manifest.suite.name} (hash ${manifest.suite.hash.slice(0, 12)}): ` +
            'the suite file changed since that run. Use another --out directory, or delete this one to start over.',
        );
      }
      const a = existing.shard ? `${existing.shard.index}/${existing.shard.count}` : 'none';
      const b = manifest.shard ? `${manifest.shard.index}/${manifest.shard.count}` : 'none';
      if (a !== b) throw new ResumeMismatchError(`${this.dir} holds shard ${a} of the suite, not shard ${b}: resume each shard into its own directory.`);
      if (!options.resume && this.finishedKeys().size > 0) {
        throw new ResumeMismatchError(`${this.dir} already holds ${this.finishedKeys().size} finished episodes of this suite: pass --resume ${this.dir} to run only the missing ones, or use another --out directory.`);
      }
    }
    writeFileAtomic(join(this.dir, 'run.json'), `${JSON.stringify({ ...manifest, startedAt: existing?.startedAt ?? manifest.startedAt }, null, 1)}\n`);
  }

  manifest(): RunManifest | undefined {
    const path = join(this.dir, 'run.json');
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunManifest) : undefined;
  }

  /** Writes one finished episode: temp file + rename, so a reader never sees half a record. */
  writeEpisode(result: EpisodeResult): void {
    writeFileAtomic(join(this.episodesDir, `${episodeFileName(result.key)}.json`), `${JSON.stringify(result)}\n`);
  }

  trajectoryPath(key: string): string {
    return join(this.trajectoriesDir, `${episodeFileName(key)}.jsonl`);
  }

  recordInfrastructure(entry: InfrastructureEntry): void {
    appendFileSync(join(this.dir, 'infrastructure.jsonl'), `${JSON.stringify(entry)}\n`);
  }

  infrastructure(): InfrastructureEntry[] {
    const path = join(this.dir, 'infrastructure.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as InfrastructureEntry];
        } catch {
          return []; // a line cut short by a crash
        }
      });
  }

  /** Every finished episode on disk (temporary files of episodes in flight are ignored). */
  episodes(): EpisodeResult[] {
    if (!existsSync(this.episodesDir)) return [];
    const out: EpisodeResult[] = [];
    for (const name of readdirSync(this.episodesDir).sort()) {
      if (!name.endsWith('.json')) continue;
      out.push(JSON.parse(readFileSync(join(this.episodesDir, name), 'utf8')) as EpisodeResult);
    }
    return out;
  }

  finishedKeys(): Set<string> {
    return new Set(this.episodes().map((e) => e.key));
  }
}
