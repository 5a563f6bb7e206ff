import * as os from 'os';

/** A measured case: its median wall time, and its median ratio to the floor where runs were paired. */
export interface Measured {
  readonly case: string;
  readonly medianSeconds: number;
  readonly timesFloor?: number;
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
}

export function judge(results: readonly Measured[], budgets: readonly Budget[]): Verdict[] {
  const find = (name: string) => results.find((r) => r.case === name);
  return budgets.map((budget) => {
    const measured = find(budget.case);
    let value: number | undefined;
    if (measured && budget.per === 'floor') value = measured.timesFloor;
    else if (measured && budget.per) {
      const base = find(budget.per);
      value = base ? measured.medianSeconds / base.medianSeconds : undefined;
    } else value = measured?.medianSeconds;
    return { budget, value, over: value !== undefined && value > budget.limit };
  });
}

/** One line per budget: the figure, the limit, and OVER where it is exceeded. */
export function formatVerdicts(verdicts: readonly Verdict[]): string[] {
  const width = Math.max(...verdicts.map((v) => v.budget.name.length));
  return verdicts.map(({ budget, value, over }) => {
    const unit = budget.per ? 'x' : ' s';
    const figure = value === undefined ? 'not measured' : `${value.toFixed(2)}${unit}`;
    return `${budget.name.padEnd(width)}  ${figure.padStart(12)}  budget ${budget.limit}${unit}${over ? '  OVER' : ''}`;
  });
}

/** The machine a run was measured on, to print beside its figures. */
export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${cpus.length} x ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GB, ${os.platform()} ${os.release()}, Node ${process.version}`;
}
