/**
 * Paths inside a package as the manifest, the install scripts and the import graph name them.
 * A leaf module: `entry-points.ts`, `install-commands.ts` and `reachability.ts` all fold paths the
 * same way without importing one another in a circle.
 */

/**
 * A path inside the package: `/`-separated, no `./`, no `..` escaping the package root.
 * Null for absolute paths and paths that leave the package (they name no file of ours).
 */
export function normalizePath(spec: string): string | null {
  const text = spec.replace(/\\/g, '/').trim();
  if (text.length === 0 || isAbsolutePath(text)) return null;
  const path = resolveSegments(text);
  return path === '' ? null : path;
}

/**
 * Folds `.`, `..` and empty segments of a `/`-separated path: '' is the package root itself,
 * null a path that climbs out of it.
 */
export function resolveSegments(text: string): string | null {
  const parts: string[] = [];
  for (const part of text.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join('/');
}

/** `/x`, `\x` and `C:x` name places outside any package directory. */
export function isAbsolutePath(text: string): boolean {
  return /^[/\\]|^[A-Za-z]:/.test(text);
}

/** '' for a file at the package root. */
export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}
