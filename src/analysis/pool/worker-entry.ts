/**
 * The worker's side of the pool: receives one file at a time, parses and analyses it, replies.
 * It never runs package code; it exists so that what V8 cannot survive (a fatal out-of-memory in
 * its regular expression compiler with the stack nearly exhausted, a heap limit) ends this
 * process instead of the gate.
 */
import { analyzeFileTask, type FileResult, type FileTask } from '../analyze-package.js';
import { DETECTORS } from '../detectors/index.js';
import { errorMessage } from '../../errors.js';
import type { ReplyMessage, TaskMessage } from './protocol.js';

export type FileAnalyser = (task: FileTask) => FileResult;

const analyseWithDetectors: FileAnalyser = (task) => analyzeFileTask(task, DETECTORS);

/** Serves tasks until the pool disconnects. `analyse` is replaceable so tests can crash a worker for real. */
export function runPoolWorker(analyse: FileAnalyser = analyseWithDetectors): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('runPoolWorker needs an IPC channel: it is started by the analysis pool');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: TaskMessage) => {
    const { id, task } = message;
    // Structured clone delivers the bytes as a plain Uint8Array; the analysis reads Buffers.
    const content = Buffer.from(task.file.content.buffer, task.file.content.byteOffset, task.file.content.byteLength);
    let reply: ReplyMessage;
    try {
      reply = { id, ok: true, result: analyse({ ...task, file: { ...task.file, content } }) };
    } catch (error) {
      reply = { id, ok: false, error: errorMessage(error) };
    }
    send(reply);
  });
}
