/**
 * A script's arguments, or its usage on stderr and exit code 2 (0 for `--help`) instead of a stack
 * trace: exactly `count` positional arguments, no options.
 */
export function positionalArguments(usage: string, count: number, args: readonly string[] = process.argv.slice(2)): string[] | undefined {
  if (args.includes('--help') || args.includes('-h')) {
    process.stderr.write(`${usage}\n`);
    process.exitCode = 0;
    return undefined;
  }
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown || args.length !== count) {
    process.stderr.write(`${unknown ? `unknown option ${unknown}` : `expected ${count} argument${count === 1 ? '' : 's'}, got ${args.length}`}\n\n${usage}\n`);
    process.exitCode = 2;
    return undefined;
  }
  return [...args];
}
