import * as os from 'os';

/** A measured case: its median wall time, and its median ratio to the floor where runs were paired. */
export interface Measured {
  readonly case: string;
  readonly medianSeconds: number;
  readonly timesFloor?: number;
  /** Median CPU time of the case's process tree (user and system), where it was measured. */
  readonly cpuSeconds?: number;
}

/**
 * A performance budget: a case's time as a multiple of another case's (measured in the same run, so
 * that it holds on a slower or faster machine), or, where no ratio is meaningful, in seconds.
 */
export interface Budget {
  readonly name: string;
  readonly case: string;
  /** The case it is a multiple of; the floor's paired ratio when that is `floor`; seconds when absent. */
  readonly per?: string | 'floor';
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
    if (budget.per === 'floor') return verdict(budget, measured.timesFloor);
    // Seconds, or a multiple of another case's seconds: the CPU bound in the same unit.
    const base = budget.per === undefined ? 1 : find(budget.per)?.medianSeconds;
    if (base === undefined) return { budget, over: false };
    const cpuBound = measured.cpuSeconds === undefined ? undefined : { figure: measured.cpuSeconds / cores / base, cores };
    return verdict(budget, measured.medianSeconds / base, cpuBound);
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
    const unit = budget.per ? 'x' : ' s';
    const figure = value === undefined ? 'not measured' : `${value.toFixed(2)}${unit}`;
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
