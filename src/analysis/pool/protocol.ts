/**
 * What the pool and its workers say to each other over the IPC channel (structured clone, so a
 * file's bytes cross as a Uint8Array and findings as plain objects).
 */
import type { FileResult, FileTask } from '../analyze-package.js';

/**
 * The argument that turns a bundle (dist/cli.js, dist/index.js) into a pool worker: the worker is
 * the same file re-entered, so the single-file bundles need nothing shipped beside them.
 */
export const POOL_WORKER_FLAG = '--fingerprint-gate-analysis-worker';

export interface TaskMessage {
  id: number;
  task: FileTask;
}

export type ReplyMessage = { id: number; ok: true; result: FileResult } | { id: number; ok: false; error: string };

/** True in a process the pool started: `argv` is the process's own (entries pass `process.argv`). */
export function isPoolWorkerProcess(argv: readonly string[]): boolean {
  return argv.includes(POOL_WORKER_FLAG) && typeof process.send === 'function';
}
