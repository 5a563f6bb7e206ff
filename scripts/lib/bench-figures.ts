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
  /** The median of each run's ratio to the run of the floor (or of `pairedWith`) just before it. */
  readonly timesFloor?: number;
  /** The case each run was paired with, when not the floor. */
  readonly pairedWith?: string;
  /** Stacks the case planned, where it plans. */
  readonly stacks?: number;
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
export const SYNTH_100 = 'app: 100 environments x 5 instances';
export const VALIDATE_5 = 'validate: 3 environments (5 stacks)';
export const PLAN_EVERYTHING = 'plan everything: npm run validate, 100 environments (102 stacks)';
export const DETECT = 'change detection: npm run changed-stacks, 1 of 100 environments changed';
export const PLAN_CHANGE = 'plan a change: npm run validate -- --changed, 1 of 100 environments changed';
export const TERRAFORM_FLOOR = "Terraform's floor: plain terraform init and plan of the same 102 stacks, one by one";
export const FLOOR_ENVIRONMENT_STACK = "Terraform's floor: plain terraform init and plan of one environment stack";
export const LEAST_CHANGE = 'the least a one-environment change costs: one synthesis of the 100 environments and the floor of its stack';
export const TEST_SUITE = 'npm test: the whole suite, warm';
export const UNIT_TESTS = 'npm run test:unit: the tests that need neither Terraform nor the emulator, warm';

/**
 * Issue 50's budgets, what users wait for: synthesis against the floor; a one-environment change
 * against planning every stack, in stacks planned and in time, beside the least such a change can cost
 * against the same budget (which shows the budget below the work itself) and against what the change
 * costs (the budget proposed instead); the change detection against one synthesis of the same config;
 * validation's CPU against plain Terraform's on the same stacks.
 */
export const BUDGETS: Budget[] = [
  { name: 'synth: the app process, x the floor', case: APP, per: 'floor', limit: 2.0 },
  { name: 'a one-environment change: stacks planned', case: PLAN_CHANGE, measure: 'stacks', limit: 1 },
  { name: 'a one-environment change, x planning everything', case: PLAN_CHANGE, per: PLAN_EVERYTHING, limit: 0.05 },
  { name: 'the least it can cost, x planning everything', case: LEAST_CHANGE, per: PLAN_EVERYTHING, limit: 0.05 },
  { name: 'a one-environment change, x the least (proposed)', case: PLAN_CHANGE, per: LEAST_CHANGE, limit: 1.3 },
  { name: 'change detection, x one synth of the same config', case: DETECT, per: SYNTH_100, limit: 2.5 },
  { name: "validation's CPU, x Terraform's floor", case: PLAN_EVERYTHING, per: TERRAFORM_FLOOR, measure: 'cpu', limit: 1.3 },
];

/** Where the performance guide holds the recorded run's figures. */
export const FIGURES_BEGIN = '<!-- bench: written from docs/bench-results.json by npm run bench -- --record and npm run docs -->';
export const FIGURES_END = '<!-- /bench -->';

/**
 * The recorded run as the guide shows it: the machine, the synthesis cases against the floor, the
 * cases of many processes with their stacks, wall and CPU time, and the budgets as the bench printed them.
 */
export function renderFigures(record: BenchRecord): string {
  const synthesis = record.results.filter((r) => r.timesFloor !== undefined);
  const trees = record.results.filter((r) => r.timesFloor === undefined);
  const floor = synthesis.find((r) => r.case === FLOOR);
  const mb = (r: Result) => (r.medianPeakMb === null ? 'n/a' : r.medianPeakMb >= 1024 ? `${(r.medianPeakMb / 1024).toFixed(1)} GB` : `${r.medianPeakMb} MB`);
  const seconds = (s: number) => (s < 1 ? `${s.toFixed(2)} s` : s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`);
  const lines = [
    `Recorded ${record.date.slice(0, 10)} on ${record.machine}${floor ? ` (the floor took ${floor.medianSeconds.toFixed(2)} s)` : ''}.`,
    '',
    '| case | x floor (or the case paired) | wall time | peak memory | runs |',
    '| --- | --- | --- | --- | --- |',
    ...synthesis.map((r) => `| ${r.case} | ${r.timesFloor!.toFixed(2)}${r.pairedWith ? ` x ${r.pairedWith}` : ''} | ${seconds(r.medianSeconds)} | ${mb(r)} | ${r.runs} |`),
    '',
    '| case | stacks planned | wall time | CPU time | peak memory of the process tree | runs |',
    '| --- | --- | --- | --- | --- | --- |',
    ...trees.map((r) => `| ${r.case} | ${r.stacks ?? ''} | ${seconds(r.medianSeconds)} | ${r.cpuSeconds === undefined ? 'n/a' : seconds(r.cpuSeconds)} | ${mb(r)} | ${r.runs} |`),
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
