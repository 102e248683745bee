/**
 * Links to a file of a published package at its exact version, in a package browser that serves
 * `<base><name>@<version>/<path>` (jsDelivr by default, configurable as `package-browser`). The
 * name, version and path come from the package, so every segment is percent-encoded, including
 * the characters encodeURIComponent leaves (`( ) ! ' *`): a link must end where we end it, in
 * markdown and in SARIF alike.
 */
import { DEFAULT_PACKAGE_BROWSER } from '../config/schema.js';
import type { Finding, PackageReport } from './report.js';

/** Sources a public package browser cannot have: the code never came from a registry. */
const NOT_PUBLISHED: ReadonlySet<string> = new Set(['git', 'remote', 'file', 'link', 'local-tarball', 'local-directory']);

/** Browsers and GitHub cut or refuse longer URLs; a path this long is not one a reviewer opens. */
export const MAX_URL_LENGTH = 2_000;

/** A lone surrogate cannot be percent-encoded (encodeURIComponent throws): it becomes U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function segment(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\ufffd')).replace(/[()!'*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Whether a package browser can serve the package: the code came from a registry, and still exists. */
export function isPublished(pkg: Pick<PackageReport, 'source' | 'change'>): boolean {
  return pkg.change !== 'removed' && !(pkg.source !== undefined && NOT_PUBLISHED.has(pkg.source));
}

/** `<name>@<version>/<path>`, percent-encoded: the file's path below a package browser's base URL. */
export function packageFilePath(pkg: Pick<PackageReport, 'name' | 'version'>, file: string): string {
  // `@` of a scope stays: it is part of the layout (`@scope/name@1.0.0/...`), and cannot end a URL.
  const name = pkg.name.split('/').map((part) => segment(part).replace(/^%40/, '@')).join('/');
  const path = file.split('/').map(segment).join('/');
  return `${name}@${segment(pkg.version)}/${path}`;
}

/** The base URL with the one trailing slash a relative path is resolved against. */
export function packageBrowserBase(base = DEFAULT_PACKAGE_BROWSER): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/**
 * The URL of `finding.file` in `pkg` at its version, or null when there is no such file to link
 * (a package-level finding points at the lockfile; a git or local package was never published).
 */
export function packageFileUrl(pkg: PackageReport, finding: Pick<Finding, 'file' | 'line'>, base = DEFAULT_PACKAGE_BROWSER): string | null {
  if (finding.line <= 0 || !isPublished(pkg)) return null;
  const url = `${packageBrowserBase(base)}${packageFilePath(pkg, finding.file)}`;
  return url.length > MAX_URL_LENGTH ? null : url;
}
