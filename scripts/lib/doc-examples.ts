/**
 * The config examples of the README and guides, found and merged into a config as a reader would:
 * each ```json block is preceded by a comment that says where it goes,
 *   <!-- example: config at <path> -->               merged at `path` of the shipped config
 *   <!-- example: config at <path> with previous --> merged into the config the previous example made
 *   <!-- example: fragment -->                       part of a file, not meant to stand alone
 * where `<path>` is `.` (the file), `environments`, or a deeper key (`environments.prod.accessGroups`).
 */
export interface ConfigExample {
  readonly file: string;
  readonly line: number;
  /** Where it goes; undefined for a fragment. */
  readonly at?: string;
  readonly withPrevious: boolean;
  readonly text: string;
}

const ANNOTATION = /<!-- example: (fragment|config at (\S+)( with previous)?) -->/;

/** Every ```json block of `markdown`, with its annotation; a block without one is a problem. */
export function configExamples(markdown: string, file: string): { examples: ConfigExample[]; problems: string[] } {
  const lines = markdown.split('\n');
  const examples: ConfigExample[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() !== '```json') return;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const text = lines.slice(i + 1, end).join('\n');
    const annotation = lines.slice(Math.max(0, i - 3), i).map((l) => ANNOTATION.exec(l)).find(Boolean);
    if (!annotation) {
      problems.push(`${file}:${i + 1}: a json example says neither where it goes nor that it is a fragment (<!-- example: config at <path> -->)`);
      return;
    }
    examples.push({ file, line: i + 1, at: annotation[1] === 'fragment' ? undefined : annotation[2], withPrevious: annotation[3] !== undefined, text });
  });
  return { examples, problems };
}

/** `example` parsed (a `"key": {...}` member is read as the object it belongs to) and merged into `config` at its path. */
export function mergeExample(config: any, example: ConfigExample): any {
  const body = example.text.trim();
  const parsed = JSON.parse(body.startsWith('{') ? body : `{${body}}`);
  const merged = structuredClone(config);
  let target = merged;
  for (const key of (example.at === '.' ? [] : example.at!.split('.'))) {
    target[key] ??= {};
    target = target[key];
  }
  Object.assign(target, parsed);
  return merged;
}
