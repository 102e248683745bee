/**
 * The worker's side of the pool: takes files in the order they are sent, parses and analyses
 * each, replies. It never runs package code; it exists so that what V8 cannot survive (a fatal
 * out-of-memory in its regular expression compiler with the stack nearly exhausted, a heap limit)
 * ends this process instead of the gate.
 */
import { readSync } from 'node:fs';
import { analyzeFileTask, type FileResult, type FileTask } from '../analyze-package.js';
import { DETECTORS } from '../detectors/index.js';
import { errorMessage } from '../../errors.js';
import type { ReplyMessage, TaskMessage, WorkerUsage } from './protocol.js';

export type FileAnalyser = (task: FileTask) => FileResult;

const analyseWithDetectors: FileAnalyser = (task) => analyzeFileTask(task, DETECTORS);

const STDIN_FD = 0;

/** Serves tasks until the pool disconnects. `analyse` is replaceable so tests can crash a worker for real. */
export function runPoolWorker(analyse: FileAnalyser = analyseWithDetectors): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('runPoolWorker needs an IPC channel: it is started by the analysis pool');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: TaskMessage) => {
    const { id, task } = message;
    const content = message.content === undefined ? readStdin(message.bytes) : asBuffer(message.content);
    // The pool closed stdin: it is gone or going, and so is this worker.
    if (content === null) process.exit(0);
    let reply: ReplyMessage;
    try {
      reply = { id, ok: true, result: analyse({ ...task, file: { ...task.file, content } }), usage: usage() };
    } catch (error) {
      reply = { id, ok: false, error: errorMessage(error), usage: usage() };
    }
    send(reply);
  });
}

/**
 * The next `bytes` of stdin, read straight into one buffer of that size, blocking: the worker has
 * nothing else to do until its file is there. Null at the end of the stream.
 */
function readStdin(bytes: number): Buffer | null {
  const content = Buffer.allocUnsafeSlow(bytes);
  let read = 0;
  while (read < bytes) {
    let n: number;
    try {
      n = readSync(STDIN_FD, content, read, bytes - read, null);
    } catch (error) {
      // A descriptor left non-blocking by someone else: wait a moment rather than spin.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
        continue;
      }
      throw error;
    }
    if (n === 0) return null;
    read += n;
  }
  return content;
}

/** Structured clone delivers the bytes as a plain Uint8Array; the analysis reads Buffers. */
function asBuffer(content: Uint8Array): Buffer {
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength);
}

function usage(): WorkerUsage {
  const own = process.resourceUsage();
  return { cpuMicros: own.userCPUTime + own.systemCPUTime, rssBytes: process.memoryUsage.rss(), maxRssBytes: own.maxRSS * 1024 };
}
