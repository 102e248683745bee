/** The gate's package analyser over a worker pool: the plan stays here, each file goes to a worker. */
import { analyzePackageWith, type PackageAnalyzer } from '../analyze-package.js';
import type { Detector } from '../detector.js';
import type { AnalysisPool } from './pool.js';

/**
 * `detectors` serve this thread's share of the work (the text search of a file whose worker gave
 * no result); the workers run the registry bundled with them.
 */
export function poolAnalyzer(pool: AnalysisPool, detectors: readonly Detector[]): PackageAnalyzer {
  return (files) => analyzePackageWith(files, detectors, (task) => pool.analyse(task));
}
