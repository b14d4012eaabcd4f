import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CliError, ExitCode, printJson } from '../output.js';

export function reportCommand(program: Command): void {
  program
    .command('report')
    .description('re-render report.md, report.html and junit.xml from a results directory (or from its episodes/ when a run was killed)')
    .argument('<dir>', 'results directory of `clove bench run` or `clove bench merge`')
    .option('--json', 'print the files written as JSON')
    .action(async (dir: string, flags: { json?: boolean }) => {
      // Loaded when the command runs, so other commands start without the reports layer.
      const { BenchError, collectRun } = await import('../../bench/index.js');
      const { ReportsError, readResults, writeReports } = await import('../../reports/index.js');
      try {
        const fromResults = existsSync(join(dir, 'results.json'));
        const results = fromResults ? readResults(dir) : collectRun(dir, { interrupted: true });
        const written = writeReports(dir, results, { skipResults: fromResults });
        if (flags.json) printJson({ dir, episodes: results.episodes.length, written });
        else process.stdout.write(`${results.episodes.length} episodes; wrote ${written.join(', ')}\n`);
      } catch (error) {
        if (error instanceof BenchError || error instanceof ReportsError) {
          throw new CliError(`[${error.code}] ${error.message}`, error instanceof BenchError ? error.exitCode : ExitCode.USAGE, error.code);
        }
        throw error;
      }
    });
}
