/**
 * Peak resident memory of a process and everything it started (the gate and its analysis
 * workers), sampled from /proc: node's own `maxRSS` sees one process only. Linux only; elsewhere
 * the peak stays 0 and the report says "n/a".
 */
import { readdirSync, readFileSync } from 'node:fs';

const SAMPLE_EVERY_MS = 50;
const PAGE_BYTES = 4096;

export interface RssSampler {
  /** Stops sampling; the highest sum of resident memory seen at one sample, in MB. */
  stop(): number;
}

/** Samples the trees under `rootPids` together: their sum is what the machine had to hold. */
export function sampleTreeRss(rootPids: readonly number[]): RssSampler {
  let peak = 0;
  const sample = (): void => {
    const parents = readParents();
    const inTree = new Set(rootPids);
    // Descendants: keep adding children of what is in the tree until nothing new appears.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, ppid] of parents) {
        if (!inTree.has(pid) && inTree.has(ppid)) {
          inTree.add(pid);
          grew = true;
        }
      }
    }
    let bytes = 0;
    for (const pid of inTree) bytes += residentBytes(pid);
    peak = Math.max(peak, bytes);
  };
  sample();
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(peak / 1024 / 1024);
    },
  };
}

function readParents(): Map<number, number> {
  const parents = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return parents;
}

function residentBytes(pid: number): number {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return Number(statm[1]) * PAGE_BYTES;
  } catch {
    return 0;
  }
}
