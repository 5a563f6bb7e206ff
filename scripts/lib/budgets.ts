import * as os from 'os';

/** A measured case: its median wall time, and its median ratio to the floor where runs were paired. */
export interface Measured {
  readonly case: string;
  readonly medianSeconds: number;
  /** The median ratio to the case run just before each run: the floor, or `pairedWith`. */
  readonly timesFloor?: number;
  /** The case each run was paired with, when not the floor. */
  readonly pairedWith?: string;
  /** Stacks the case planned, where it plans. */
  readonly stacks?: number;
  /** Median CPU time of the case's process tree (user and system), where it was measured. */
  readonly cpuSeconds?: number;
}

/**
 * A performance budget: a case's time as a multiple of another case's (measured in the same run, so
 * that it holds on a slower or faster machine), or, where no ratio is meaningful, in seconds or stacks.
 */
export interface Budget {
  readonly name: string;
  readonly case: string;
  /**
   * The case it is a multiple of (the paired ratio when the case's runs were paired with it, or with
   * the floor for `floor`); seconds or stacks when absent.
   */
  readonly per?: string | 'floor';
  /** What is compared: wall time, CPU time (user and system, the whole process tree), stacks planned. @default 'wall' */
  readonly measure?: 'wall' | 'cpu' | 'stacks';
  readonly limit: number;
}

export interface Verdict {
  readonly budget: Budget;
  /** Undefined when the run did not measure the case (or what it is a multiple of). */
  readonly value?: number;
  readonly over: boolean;
  /**
   * The lowest figure the case's CPU time allows on the machine's cores, every core busy throughout: a
   * budget below it needs less CPU, not more parallelism. Undefined for ratios to the floor and where
   * the CPU time was not measured.
   */
  readonly cpuBound?: { readonly figure: number; readonly cores: number };
}

export function judge(results: readonly Measured[], budgets: readonly Budget[], cores = os.availableParallelism()): Verdict[] {
  const find = (name: string) => results.find((r) => r.case === name);
  return budgets.map((budget) => {
    const measured = find(budget.case);
    if (!measured) return { budget, over: false };
    if (budget.per === 'floor' && measured.pairedWith === undefined) return verdict(budget, measured.timesFloor);
    if (budget.per !== undefined && measured.pairedWith === budget.per) return verdict(budget, measured.timesFloor);
    const figure = (r: Measured) => (budget.measure === 'cpu' ? r.cpuSeconds : budget.measure === 'stacks' ? r.stacks : r.medianSeconds);
    // Seconds or stacks, or a multiple of another case's: the CPU bound (of wall time) in the same unit.
    const base = budget.per === undefined ? 1 : (() => { const b = find(budget.per); return b && figure(b); })();
    const value = figure(measured);
    if (base === undefined || value === undefined) return { budget, over: false };
    const cpuBound = (budget.measure ?? 'wall') !== 'wall' || measured.cpuSeconds === undefined ? undefined : { figure: measured.cpuSeconds / cores / base, cores };
    return verdict(budget, value / base, cpuBound);
  });
}

function verdict(budget: Budget, value: number | undefined, cpuBound?: Verdict['cpuBound']): Verdict {
  return { budget, value, over: value !== undefined && value > budget.limit, ...(cpuBound === undefined ? {} : { cpuBound }) };
}

/**
 * One line per budget: the figure, the limit, and OVER where it is exceeded, with the CPU bound where a
 * budget is below it.
 */
export function formatVerdicts(verdicts: readonly Verdict[]): string[] {
  const width = Math.max(...verdicts.map((v) => v.budget.name.length));
  return verdicts.map(({ budget, value, over, cpuBound }) => {
    const unit = budget.per ? 'x' : budget.measure === 'stacks' ? ' stacks' : ' s';
    const figure = value === undefined ? 'not measured' : budget.measure === 'stacks' && !budget.per ? `${value}${unit}` : `${value.toFixed(value < 0.1 ? 3 : 2)}${unit}`;
    const bound = over && cpuBound !== undefined && cpuBound.figure > budget.limit
      ? ` (its CPU time alone needs ${cpuBound.figure.toFixed(2)}${unit} on ${cpuBound.cores} cores)` : '';
    return `${budget.name.padEnd(width)}  ${figure.padStart(12)}  budget ${budget.limit}${unit}${over ? `  OVER${bound}` : ''}`;
  });
}

/** The machine a run was measured on, to print beside its figures. */
export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpus.length} x ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}
