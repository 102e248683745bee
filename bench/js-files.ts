/**
 * Which files of a package the analyzer reads as JavaScript, so the bare-parse baseline reads
 * exactly the same bytes. The extensions and the declared entry points (`bin`, `main`, install
 * scripts: JavaScript even without an extension) come from the analyzer's own modules; only the
 * two-line filter is restated, as `analyze-package.ts` keeps it private.
 */
import { JS_EXTENSIONS } from '../src/analysis/analyze-package.js';
import { entryPoints } from '../src/analysis/entry-points.js';
import { decodeSource } from '../src/analysis/parse.js';
import type { PackageFile, PackageFiles } from '../src/fetch/types.js';

const MANIFEST = 'package.json';

function declaredEntries(files: readonly PackageFile[]): ReadonlySet<string> {
  const manifestFile = files.find((file) => file.path === MANIFEST);
  let manifest: unknown = null;
  if (manifestFile !== undefined) {
    try {
      manifest = JSON.parse(decodeSource(manifestFile.content)) as unknown;
    } catch {
      // The analyzer then uses node's defaults too.
    }
  }
  return entryPoints(manifest).declared;
}

function hasExtension(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.lastIndexOf('.') > 0;
}

export function selectJsFiles(pkg: PackageFiles): PackageFile[] {
  const declared = declaredEntries(pkg.files);
  return pkg.files.filter(
    (file) =>
      JS_EXTENSIONS.some((extension) => file.path.endsWith(extension)) ||
      (!hasExtension(file.path) && declared.has(file.path)),
  );
}
