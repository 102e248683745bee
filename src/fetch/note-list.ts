/**
 * Notes about how a package was read. Entry paths in them are chosen by whoever published the
 * package and end up in PR comments, so they are quoted and cut; their number is bounded so a
 * package of 100k symlinks cannot flood a report.
 */

/** Per-entry notes listed one by one before the rest are only counted. */
export const MAX_LISTED_NOTES = 25;
/** Longest entry path quoted in a note. */
export const MAX_QUOTED_PATH = 160;

const MIB = 1024 * 1024;

export class NoteList {
  private readonly listed: string[] = [];
  private readonly always: string[] = [];
  private unlisted = 0;

  /** A per-entry note, counted but not listed past MAX_LISTED_NOTES. */
  add(note: string): void {
    if (this.listed.length < MAX_LISTED_NOTES) this.listed.push(note);
    else this.unlisted += 1;
  }

  /** A note that is always listed (a limit was hit); callers keep these few. */
  addAlways(note: string): void {
    this.always.push(note);
  }

  finish(): string[] {
    const summary = this.unlisted > 0 ? [`${this.unlisted} more entries were noted but not listed`] : [];
    return [...this.listed, ...summary, ...this.always];
  }
}

/** JSON quoting escapes control characters and quotes that could break the line a note is shown on. */
export function quotePath(path: string): string {
  const shown = path.length > MAX_QUOTED_PATH ? `${path.slice(0, MAX_QUOTED_PATH)}...` : path;
  return JSON.stringify(shown);
}

export function formatBytes(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= MIB) return `${(bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
