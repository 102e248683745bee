/**
 * One package, all its JavaScript, every detector: the analysis entry the gate calls. Nothing is
 * dropped silently: a file that cannot be read or parsed is counted and listed with the reason.
 */
import type { Detector } from './detector.js';
import type { PackageFile, PackageFiles } from '../fetch/types.js';
import type { FileProblem, Finding } from '../report/report.js';
import { errorMessage } from '../errors.js';
import { entryPoints } from './entry-points.js';
import { decodeSource, parse } from './parse.js';
import { compareFindings, runDetectors } from './run-detectors.js';

export interface PackageAnalysis {
  /** `introduced` is false here; the gate marks it against the previous version. */
  findings: Finding[];
  files: { total: number; parsed: number; problems: FileProblem[] };
}

/** Extensions node (and bundlers, for `.jsx`) run as JavaScript. */
export const JS_EXTENSIONS = ['.js', '.cjs', '.mjs', '.jsx'] as const;

const MANIFEST = 'package.json';

export function analyzePackage(files: PackageFiles, detectors: readonly Detector[]): PackageAnalysis {
  const problems: FileProblem[] = [];
  const manifestFile = files.files.find((file) => file.path === MANIFEST);
  let manifest: unknown = null;
  if (manifestFile !== undefined) {
    try {
      manifest = JSON.parse(decodeSource(manifestFile.content)) as unknown;
    } catch (error) {
      problems.push({
        file: MANIFEST,
        reason: `not valid JSON, entry points unknown: ${errorMessage(error)}`,
      });
    }
  }
  const entries = entryPoints(manifest);

  const selected = files.files
    .filter((file) => isJavaScript(file.path) || (!hasExtension(file.path) && entries.declared.has(file.path)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const findings: Finding[] = [];
  let parsed = 0;
  for (const file of selected) {
    const source = decodeSource(file.content);
    const outcome = parse(source);
    if (!outcome.ok) {
      problems.push({ file: file.path, reason: truncatedNote(file, outcome.reason) });
      continue;
    }
    parsed++;
    if (file.truncated === true) {
      problems.push({ file: file.path, reason: truncatedNote(file, 'only the head of the file was analysed') });
    }
    const run = runDetectors(
      { file: file.path, source, program: outcome.program, codeKind: entries.codeKind(file.path) },
      detectors,
    );
    findings.push(...run.findings);
    problems.push(...run.problems);
  }

  findings.sort(compareFindings);
  return { findings, files: { total: selected.length, parsed, problems } };
}

function truncatedNote(file: PackageFile, reason: string): string {
  return file.truncated === true ? `${reason} (file truncated at the size limit)` : reason;
}

function isJavaScript(path: string): boolean {
  return JS_EXTENSIONS.some((extension) => path.endsWith(extension));
}

function hasExtension(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.lastIndexOf('.') > 0;
}
