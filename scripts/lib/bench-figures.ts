import * as fs from 'fs';
import * as path from 'path';
import { type Budget, formatVerdicts, type Verdict } from './budgets';

/** One case of `npm run bench`, as `bench-results.json` holds it. */
export interface Result {
  readonly case: string;
  readonly runs: number;
  readonly medianSeconds: number;
  /**
   * Peak memory in MB: of the process (resident, by GNU time; null where it is not installed), or for
   * validation of the whole process tree (private resident memory summed, sampled every 500 ms).
   */
  readonly medianPeakMb: number | null;
  /** The median of each run's ratio to the floor run just before it (synthesis cases only). */
  readonly timesFloor?: number;
  /** Median CPU seconds (user and system) of the whole process tree, by GNU time (tree cases only). */
  readonly cpuSeconds?: number;
}

/** What `npm run bench` writes: `bench-results.json`, and with `--record` `docs/bench-results.json`. */
export interface BenchRecord {
  readonly date: string;
  readonly machine: string;
  readonly results: readonly Result[];
  readonly budgets: readonly Verdict[];
}

export const FLOOR = 'floor: load cdktf and the provider classes used';
export const APP = 'app process alone (what npm run synth starts)';
export const VALIDATE_5 = 'validate: 3 environments (5 stacks)';
export const VALIDATE_100 = 'validate: 100 environments x 5 instances (102 stacks)';
export const TEST_SUITE = 'npm test: the whole suite, warm';

/** Issue 34's budgets: synthesis against the floor, validation's growth, the test suite's wall time. */
export const BUDGETS: Budget[] = [
  { name: 'synth: the app process, x the floor', case: APP, per: 'floor', limit: 2.0 },
  { name: 'validate: 102 stacks, x the 5-stack run', case: VALIDATE_100, per: VALIDATE_5, limit: 6.0 },
  { name: 'npm test: wall time of the warm suite', case: TEST_SUITE, limit: 60 },
];

/** Where the performance guide holds the recorded run's figures. */
export const FIGURES_BEGIN = '<!-- bench: written from docs/bench-results.json by npm run bench -- --record and npm run docs -->';
export const FIGURES_END = '<!-- /bench -->';

/**
 * The recorded run as the guide shows it: the machine, the synthesis cases against the floor, the
 * process-tree cases against the 5-stack validation, and the budgets as the bench printed them.
 */
export function renderFigures(record: BenchRecord): string {
  const synthesis = record.results.filter((r) => r.timesFloor !== undefined);
  const trees = record.results.filter((r) => r.timesFloor === undefined);
  const base = trees.find((r) => r.case === VALIDATE_5);
  const floor = synthesis.find((r) => r.case === FLOOR);
  const mb = (r: Result) => (r.medianPeakMb === null ? 'n/a' : r.medianPeakMb >= 1024 ? `${(r.medianPeakMb / 1024).toFixed(1)} GB` : `${r.medianPeakMb} MB`);
  const treeRatio = (r: Result) => (base ? (r.medianSeconds / base.medianSeconds).toFixed(2) : 'n/a');
  const lines = [
    `Recorded ${record.date.slice(0, 10)} on ${record.machine}${floor ? ` (the floor took ${floor.medianSeconds.toFixed(2)} s)` : ''}.`,
    '',
    '| case | x floor | peak memory | runs |',
    '| --- | --- | --- | --- |',
    ...synthesis.map((r) => `| ${r.case} | ${r.timesFloor!.toFixed(2)} | ${mb(r)} | ${r.runs} |`),
    '',
    `| case | x the 5-stack validation | wall time | CPU time | peak memory of the process tree | runs |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...trees.map((r) => `| ${r.case} | ${treeRatio(r)} | ${Math.round(r.medianSeconds)} s | ${r.cpuSeconds === undefined ? 'n/a' : `${Math.round(r.cpuSeconds)} s`} | ${mb(r)} | ${r.runs} |`),
    '',
    '```',
    ...formatVerdicts(record.budgets),
    '```',
  ];
  return lines.join('\n');
}

/** The guide with its figures block replaced by the record's. */
export function withFigures(guide: string, record: BenchRecord): string {
  const [before, rest] = guide.split(FIGURES_BEGIN);
  if (rest === undefined || !rest.includes(FIGURES_END)) throw new Error(`the performance guide has no ${FIGURES_BEGIN} ... ${FIGURES_END} block`);
  return `${before}${FIGURES_BEGIN}\n${renderFigures(record)}\n${FIGURES_END}${rest.split(FIGURES_END).slice(1).join(FIGURES_END)}`;
}

/** Writes docs/bench-results.json's figures into docs/performance.md (`npm run docs` and `bench --record`). */
export function writeFigures(root: string): void {
  const record = JSON.parse(fs.readFileSync(path.join(root, 'docs', 'bench-results.json'), 'utf8')) as BenchRecord;
  const guide = path.join(root, 'docs', 'performance.md');
  fs.writeFileSync(guide, withFigures(fs.readFileSync(guide, 'utf8'), record));
}
