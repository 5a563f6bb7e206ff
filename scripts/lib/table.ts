/**
 * A plain-text table, columns padded to their widest cell, two spaces apart. Given `maxWidth`, the
 * widest columns narrow until the table fits, their cells wrapped onto more lines at spaces.
 */
export function table(head: string[], rows: string[][], maxWidth = Infinity): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const indent = 2;
  const total = () => indent + widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  // Narrow the widest column, a character at a time, never below 12 characters.
  while (total() > maxWidth) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 12) break;
    widths[widest]--;
  }
  const line = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c])).join('  ')}`.trimEnd();
  const wrapped = (cells: string[]) => {
    const columns = cells.map((cell, c) => wrap(cell, widths[c]));
    const height = Math.max(...columns.map((lines) => lines.length));
    return Array.from({ length: height }, (_, i) => line(columns.map((lines) => lines[i] ?? '')));
  };
  return [...wrapped(head), line(widths.map((w) => '-'.repeat(w))), ...rows.flatMap(wrapped)].join('\n');
}

/** `text` in lines of at most `width`, broken at spaces (a word longer than the width, within it). */
export function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lines: string[] = [];
  let current = '';
  const words = text.split(' ').flatMap((word) => (word.length <= width ? [word] : word.match(new RegExp(`.{1,${width}}`, 'g'))!));
  for (const word of words) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  return [...lines, current];
}

/** Lines longer than `width` (a heading, a note) wrapped at spaces, their continuation indented. */
export function fit(text: string, width: number): string {
  return text.split('\n').flatMap((line) => {
    if (line.length <= width) return [line];
    const indent = /^ */.exec(line)![0];
    return wrap(line.trimStart(), width - indent.length - 2).map((l, i) => `${indent}${i > 0 ? '  ' : ''}${l}`);
  }).join('\n');
}
