/** A Markdown file's links to other files: the path part and the anchor of each (inline code holds no links). */
export function relativeLinks(markdown: string): { target: string; relative: string; anchor?: string }[] {
  const text = markdown.replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target)
    .filter((target) => !/^[a-z]+:/.test(target))
    .map((target) => {
      const [relative, anchor] = target.split('#');
      return { target, relative, anchor };
    });
}

/** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchors(markdown: string): string[] {
  return [...markdown.matchAll(/^#+ (.+)$/gm)].map(([, heading]) => heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
}
