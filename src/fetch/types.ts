import type { PackageTarget } from '../lockfile/types.js';
import type { BinaryReading } from '../analysis/binaries/embedded-code.js';

/** One file of an unpacked package, held in memory: package code is data, never written out. */
export interface PackageFile {
  /** Path inside the package, `/`-separated, without the tarball's leading folder. */
  path: string;
  content: Buffer;
  /** True when the file was larger than the per-file limit and `content` is only its head. */
  truncated?: boolean;
  /**
   * An executable too big to hold: `extract.ts` wrote it to a temporary file, read the JavaScript
   * out of it (`analysis/binaries/`) and deleted the file. `content` is then only its head.
   */
  executable?: { size: number; reading: BinaryReading };
}

export interface PackageFiles {
  files: PackageFile[];
  /** The integrity of the tarball that was read (from the lockfile or the registry). */
  integrity: string | null;
  /** Things a reviewer should know about how the package was read (entries refused, limits hit). */
  notes: string[];
}

/** Gets a package's files. Throws FetchError (or ExtractError) when it cannot. */
export interface Fetcher {
  fetch(target: PackageTarget): Promise<PackageFiles>;
}
