/**
 * What npm needs before this package goes public: the fields its package page links from. npm
 * resolves the README's relative links against `repository`, and shows `homepage` and `bugs` beside
 * it; published without them, every link on the page is dead. The repository has no public address
 * yet (no git remote, the name unclaimed on npm), so `prepublishOnly` refuses until someone sets them.
 */
export const PACKAGE_PAGE_FIELDS = ['repository', 'homepage', 'bugs'] as const;

/** The package page's missing fields, each with what npm does with it. */
export function missingPackagePageFields(manifest: Record<string, unknown>): string[] {
  return PACKAGE_PAGE_FIELDS.filter((field) => {
    const value = manifest[field];
    const url = typeof value === 'string' ? value : (value as { url?: unknown } | undefined)?.url;
    return typeof url !== 'string' || !/^(git\+)?https:\/\//.test(url);
  });
}
