/**
 * Runs a command and measures the resident memory of its whole process tree (the gate and the
 * workers it forks), read from Linux's /proc: each process's own peak (`VmHWM`, exact, kept by
 * the kernel) and the largest sum of the tree's current sizes seen by sampling (`VmRSS`, every
 * few milliseconds: a lower bound of the true simultaneous peak, as the sum of the peaks is an
 * upper bound).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const SAMPLE_EVERY_MS = 5;
const KIB = 1024;

export interface TreeMemory {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Each process's peak, the command's own first, in the order they were seen. */
  peaksBytes: number[];
  /** The largest sum of the tree's resident sizes at one sample. */
  sampledPeakBytes: number;
}

export function canMeasureTrees(): boolean {
  return existsSync(`/proc/${process.pid}/status`);
}

export function measureTree(command: string, args: readonly string[]): Promise<TreeMemory> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const peaks = new Map<number, number>();
    let sampledPeakBytes = 0;
    const sample = (): void => {
      if (child.pid === undefined) return;
      let sum = 0;
      for (const pid of tree(child.pid)) {
        const status = readStatus(pid);
        if (status === null) continue;
        sum += field(status, 'VmRSS');
        // A process that is exiting reports no sizes: its last peak stands.
        peaks.set(pid, Math.max(peaks.get(pid) ?? 0, field(status, 'VmHWM')));
      }
      sampledPeakBytes = Math.max(sampledPeakBytes, sum);
    };
    const timer = setInterval(sample, SAMPLE_EVERY_MS);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr, peaksBytes: [...peaks.values()].filter((bytes) => bytes > 0), sampledPeakBytes });
    });
  });
}

function tree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // Gone between two reads.
  }
  return [pid, ...children.flatMap(tree)];
}

function readStatus(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
}

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match === null ? 0 : Number(match[1]) * KIB;
}
