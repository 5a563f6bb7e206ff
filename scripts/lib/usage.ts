/** What a script accepts on its command line. */
export interface ArgumentSpec {
  /** Fewest positional arguments. @default 0 */
  readonly min?: number;
  /** Most positional arguments. @default no limit */
  readonly max?: number;
  /** Flags it accepts, such as `--wide`. @default none */
  readonly flags?: readonly string[];
}

export interface Arguments {
  readonly positional: string[];
  readonly flags: ReadonlySet<string>;
}

/**
 * A script's arguments, or its usage on stderr and exit code 2 (0 for `--help`) instead of a stack
 * trace: positional arguments within the spec's counts, and only the flags it names.
 */
export function parseArguments(usage: string, spec: ArgumentSpec, args: readonly string[] = process.argv.slice(2)): Arguments | undefined {
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 0;
    return undefined;
  }
  const unknown = args.find((a) => a.startsWith('-') && !(spec.flags ?? []).includes(a));
  const positional = args.filter((a) => !a.startsWith('-'));
  const [min, max] = [spec.min ?? 0, spec.max ?? Infinity];
  if (unknown) return usageError(usage, `unknown option ${unknown}`);
  if (positional.length < min || positional.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    return usageError(usage, `expected ${expected} argument${expected === '1' ? '' : 's'}, got ${positional.length}`);
  }
  return { positional, flags: new Set(args.filter((a) => a.startsWith('-'))) };
}

/** Exactly `count` positional arguments and no option: `parseArguments` for the simplest scripts. */
export function positionalArguments(usage: string, count: number, args: readonly string[] = process.argv.slice(2)): string[] | undefined {
  return parseArguments(usage, { min: count, max: count }, args)?.positional;
}

/** The message and the usage on stderr, exit code 2. */
export function usageError(usage: string, message: string): undefined {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exitCode = 2;
  return undefined;
}
