/**
 * `clove/reports`: the results format (versioned JSON Schema), statistics and the report writers
 * (Markdown, self-contained HTML, JUnit XML, GitHub step summary).
 *
 * @example
 * import { readResults, writeReports, summarise } from 'clove/reports';
 * const results = readResults('bench-out');
 * writeReports('bench-out', results);
 *
 * @module
 */
export {
  RESULTS_FORMAT,
  RESULTS_VERSION,
  readResults,
  validateResults,
  resultsSchema,
  resultsSchemaPath,
  type Results,
  type EpisodeResult,
  type BenchmarkResult,
  type EnvironmentInfo,
  type InfrastructureSummary,
  type SuiteInfo,
  type RunInfo,
} from './results.js';
export { wilson, passHatK, passAtK, bootstrapInterval, medianRatio, mcnemarExact, holm, quantile, median, mean } from './statistics.js';
export type { Interval, Tries, BootstrapOptions, RatioEstimate } from './statistics.js';
export { summarise, summariseGroup, cpuMs, type GroupSummary, type ResultsSummary, type Spread } from './summary.js';
export { renderMarkdown, type MarkdownOptions } from './markdown.js';
export { renderHtml } from './html/html.js';
export { renderJunit } from './junit.js';
export { writeReports, writeFileAtomic, type WriteReportsOptions } from './write.js';
export { ReportsError, ResultsInvalidError } from './errors.js';
