/**
 * What the pool and its workers say to each other. Messages go over the IPC channel (structured
 * clone); a file's bytes go over the worker's stdin, raw, in the order of the messages: the
 * worker reads them into one buffer of the exact size, so neither side holds a serialised copy of
 * a 13 MB bundle beside the file itself (the clone used to cost the gate its size twice over, in
 * the sender's serialiser and the receiver's read chunks).
 */
import type { FileResult, FileTask } from '../analyze-package.js';

/**
 * The argument that turns a bundle (dist/cli.js, dist/index.js) into a pool worker: the worker is
 * the same file re-entered, so the single-file bundles need nothing shipped beside them.
 */
export const POOL_WORKER_FLAG = '--fingerprint-gate-analysis-worker';

/**
 * Where a file's bytes travel. A blocking read of a pipe is what POSIX promises; on Windows the
 * pool does not rely on it and the bytes ride in the message.
 */
export type ContentTransport = 'stdin' | 'message';

export function contentTransport(platform: NodeJS.Platform = process.platform): ContentTransport {
  return platform === 'win32' ? 'message' : 'stdin';
}

/** A file without its bytes: they follow on stdin (`bytes` long) or ride along as `content`. */
export interface TaskMessage {
  id: number;
  task: Omit<FileTask, 'file'> & { file: { path: string; truncated?: true } };
  bytes: number;
  content?: Uint8Array;
}

/** The worker process's own counters after a file: CPU since it started, its resident memory now and at its peak. */
export interface WorkerUsage {
  cpuMicros: number;
  rssBytes: number;
  maxRssBytes: number;
}

export type ReplyMessage = ({ id: number; ok: true; result: FileResult } | { id: number; ok: false; error: string }) & { usage: WorkerUsage };

/** True in a process the pool started: `argv` is the process's own (entries pass `process.argv`). */
export function isPoolWorkerProcess(argv: readonly string[]): boolean {
  return argv.includes(POOL_WORKER_FLAG) && typeof process.send === 'function';
}
