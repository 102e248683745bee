/**
 * Workers that parse and analyse files, one file at a time each, so that no input can take the
 * gate down. Workers are child processes, not threads: a V8 fatal error ("RegExpCompiler
 * Allocation failed - process out of memory", raised when a regular expression is compiled with
 * the stack nearly exhausted) aborts the whole process, and a `worker_threads` Worker shares its
 * process with the gate (measured: a Worker with `resourceLimits` took the parent down with it,
 * exit 134, every time; a forked child died with SIGABRT and the parent went on).
 *
 * A worker that dies, runs out of heap or passes the file's time limit is killed and replaced
 * when next needed; that file's outcome says why, and the package analysis reports it as
 * `analysis-evasion`. Memory is budgeted by an estimate from each file's size, so two big bundles
 * are never analysed at once, and by what idle workers keep: a worker a big file left large is
 * kept for the next file (its heap is reused) and stopped only when another file needs the memory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import os from 'node:os';
import { fileTimeBudgetMs, type FileOutcome, type FileTask } from '../analyze-package.js';
import { POOL_WORKER_FLAG, contentTransport, type ContentTransport, type ReplyMessage, type TaskMessage, type WorkerUsage } from './protocol.js';

const MIB = 1024 * 1024;

/** Workers allowed at most; more than this is a typo, not a machine. */
export const MAX_POOL_WORKERS = 64;
/**
 * Peak memory per source byte while a file is parsed and analysed (the AST dominates): measured
 * 13 MB of claude-code's cli.js peaking near 670 MiB in the gate, rounded up.
 */
export const PEAK_BYTES_PER_SOURCE_BYTE = 56;
/** A worker's own memory before it reads a file (the bundle, V8, the detector tables). */
export const WORKER_BASE_BYTES = 96 * MIB;
/**
 * Share of the machine's memory the pool's estimates may add up to. The rest is the gate's own
 * (tarballs in memory, reports) and the runner's. A file whose estimate is over the budget alone
 * still runs, alone, with the workers' heap limit as the backstop.
 */
export const MEMORY_BUDGET_SHARE = 0.6;
/** How long past its own budget a worker may take before it is killed: the worker's checks come first. */
export const TIME_LIMIT_GRACE_MS = 2_000;
/**
 * Files a worker holds at once: the one it analyses and the next, already in its pipe, so it
 * never waits for a round trip through the gate's event loop between two files. Measured on the
 * bench corpus (3,266 files, most under 10 kB): that wait was 1 ms a file with one worker and 3 ms
 * with two (the gate's thread then shares the two cores), 20 to 30 % of the workers' time.
 */
export const PIPELINE_DEPTH = 2;
/**
 * Only small files are sent ahead, and only behind small files: a file waiting behind another
 * cannot move to a worker that comes free, and for a big file one round trip is nothing.
 */
export const PIPELINE_MAX_BYTES = 256 * 1024;
/** What is kept of a worker's stderr to say why it died. */
const STDERR_TAIL_CHARS = 8_192;
/**
 * V8 falls back to its linear-time engine for a regular expression that backtracks too much
 * (patterns taken from scanned code and run by the static evaluator): a budget on every pattern
 * the refusal rules of `facts/values/regex.ts` let through.
 */
const REGEX_FALLBACK_FLAG = '--enable-experimental-regexp-engine-on-excessive-backtracks';

export interface AnalysisPoolOptions {
  /** Worker processes at most; they start when first needed. */
  size: number;
  /** The bundle the workers re-enter with `POOL_WORKER_FLAG` (the entry's own file). */
  script: string;
  /** Sum of the running files' memory estimates the pool keeps under; default a share of the machine's memory. */
  memoryBudgetBytes?: number;
  /** A file's hard time limit; default its analysis budget (capped by the package's) plus a grace. */
  timeLimitMs?: (task: FileTask) => number;
  /** How files' bytes reach the workers; default by platform (`contentTransport`). */
  transport?: ContentTransport;
  /** Called as each file starts, with every file then running (its own included). */
  onTaskStart?: (path: string, running: readonly string[]) => void;
}

/** What the pool's workers used, for the benches: their CPU time and the largest peak memory of one. */
export interface PoolStats {
  workersStarted: number;
  /** Idle workers stopped because a file needed the memory they kept. */
  stoppedForMemory: number;
  /** Files sent to a worker while it was still busy with another. */
  sentAhead: number;
  workerCpuMs: number;
  peakWorkerRssBytes: number;
}

export interface AnalysisPool {
  readonly size: number;
  stats(): PoolStats;
  /** Analyses one file in a worker; never rejects for anything the file does. */
  analyse(task: FileTask): Promise<FileOutcome>;
  /** Stops every worker; files still queued get an `analysis-error` outcome. */
  close(): Promise<void>;
}

/** The pool size when none is given: one worker per core the process may use. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(MAX_POOL_WORKERS, os.availableParallelism()));
}

/** The memory a file is expected to take at its peak, worker included. */
export function estimateFileBytes(bytes: number): number {
  return WORKER_BASE_BYTES + bytes * PEAK_BYTES_PER_SOURCE_BYTE;
}

export function defaultMemoryBudgetBytes(): number {
  return Math.floor(os.totalmem() * MEMORY_BUDGET_SHARE);
}

function defaultTimeLimitMs(task: FileTask): number {
  const own = fileTimeBudgetMs(task.file.content.byteLength);
  return Math.max(0, Math.min(own, task.packageTimeLeftMs)) + TIME_LIMIT_GRACE_MS;
}

interface Job {
  id: number;
  task: FileTask;
  cost: number;
  /** When the worker took the file (performance.now()): sent to an idle worker, or the file before it answered. */
  startedAt?: number;
  resolve: (outcome: FileOutcome) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  child: ChildProcess | null;
  /** Files sent to this worker, in the order it takes them: the first is running, the rest wait in its pipe. */
  jobs: Job[];
  stderr: string;
  /** The worker's counters from its last answer. */
  usage: WorkerUsage | null;
  /**
   * Memory the worker keeps beyond a fresh one's (`WORKER_BASE_BYTES`), from its last answer. V8
   * keeps the heap it grew for an AST: claude-code's 13 MB cli.js leaves a worker near 580 MiB
   * resident although under 64 MiB of it is live. The next file reuses that heap, so the worker
   * is kept (a fresh one costs 0.1 s to start and over 1.5 s of CPU before its compiler is warm
   * again, measured on the bench corpus); the memory counts against the budget until then.
   */
  keptBytes: number;
}

export function createAnalysisPool(options: AnalysisPoolOptions): AnalysisPool {
  if (!Number.isInteger(options.size) || options.size < 1 || options.size > MAX_POOL_WORKERS) {
    throw new RangeError(`the analysis pool needs 1 to ${MAX_POOL_WORKERS} workers; got ${options.size}`);
  }
  const budget = options.memoryBudgetBytes ?? defaultMemoryBudgetBytes();
  const timeLimit = options.timeLimitMs ?? defaultTimeLimitMs;
  const transport = options.transport ?? contentTransport();
  // A single file may need the whole budget: that is the heap a worker may grow to.
  const heapMb = Math.max(256, Math.floor(budget / MIB));
  const slots: Slot[] = Array.from({ length: options.size }, () => ({ child: null, jobs: [], stderr: '', usage: null, keptBytes: 0 }));
  const queue: Job[] = [];
  const stats: PoolStats = { workersStarted: 0, stoppedForMemory: 0, sentAhead: 0, workerCpuMs: 0, peakWorkerRssBytes: 0 };
  let nextId = 0;
  let closed = false;

  const spawn = (slot: Slot): ChildProcess => {
    const child = fork(options.script, [POOL_WORKER_FLAG], {
      execArgv: [REGEX_FALLBACK_FLAG, `--max-old-space-size=${heapMb}`],
      // Workers read no configuration and need no credentials: the runner's token stays here.
      env: {},
      stdio: [transport === 'stdin' ? 'pipe' : 'ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    stats.workersStarted++;
    slot.stderr = '';
    slot.usage = null;
    slot.keptBytes = 0;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      slot.stderr = (slot.stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    // A write to a worker that just died fails with EPIPE; its death is reported by 'close'.
    child.stdin?.on('error', () => {});
    child.on('message', (reply: ReplyMessage) => {
      const job = slot.jobs[0];
      if (slot.child !== child || job === undefined || reply.id !== job.id) return;
      slot.usage = reply.usage;
      slot.keptBytes = Math.max(0, reply.usage.rssBytes - WORKER_BASE_BYTES);
      stats.peakWorkerRssBytes = Math.max(stats.peakWorkerRssBytes, reply.usage.maxRssBytes);
      finish(slot, reply.ok ? { ok: true, result: reply.result } : { ok: false, reason: 'analysis-error', detail: `analysis failed: ${reply.error}` });
    });
    const died = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
      if (slot.child !== child) return;
      if (slot.jobs.length === 0) {
        retire(slot);
        return;
      }
      const how = error !== undefined ? error.message : signal !== null ? `signal ${signal}` : `exit code ${code}`;
      const why = lastWords(slot.stderr);
      finish(slot, { ok: false, reason: 'analysis-error', detail: `the analysis worker died (${how})${why === '' ? '' : `: ${why}`}` }, true);
    };
    // 'close', not 'exit': it comes after every answer and all of stderr the worker wrote.
    child.on('close', (code, signal) => died(code, signal));
    child.on('error', (error) => {
      // A failed spawn or send: the process may still be there, so it is killed and replaced.
      child.kill('SIGKILL');
      died(null, null, error);
    });
    return child;
  };

  const send = (slot: Slot, job: Job): void => {
    const child = slot.child ?? spawn(slot);
    slot.child = child;
    slot.jobs.push(job);
    holdOpen(child, true);
    const { file, ...rest } = job.task;
    const message: TaskMessage = {
      id: job.id,
      task: { ...rest, file: { path: file.path, ...(file.truncated === true ? { truncated: true as const } : {}) } },
      bytes: file.content.byteLength,
      ...(transport === 'message' ? { content: file.content } : {}),
    };
    child.send(message);
    // Written as it is: the socket sends from the file's own buffer, no copy.
    if (transport === 'stdin') child.stdin?.write(file.content);
    if (slot.jobs.length === 1) begin(slot, job);
    else stats.sentAhead++;
  };

  /** The worker takes the file: its time limit runs from here. */
  const begin = (slot: Slot, job: Job): void => {
    job.startedAt = performance.now();
    options.onTaskStart?.(job.task.file.path, slots.flatMap((s) => (s.jobs[0] === undefined ? [] : [s.jobs[0].task.file.path])));
    const limit = timeLimit(job.task);
    job.timer = setTimeout(() => {
      if (slot.jobs[0] !== job) return;
      finish(slot, { ok: false, reason: 'time-budget', detail: `the analysis worker was stopped at the file's time limit of ${Math.round(limit)} ms` }, true);
    }, limit);
  };

  /** Kills a worker; files it held but had not started go back to the front of the queue, in order. */
  const retire = (slot: Slot): void => {
    const child = slot.child;
    slot.child = null;
    stats.workerCpuMs += (slot.usage?.cpuMicros ?? 0) / 1000;
    slot.usage = null;
    slot.keptBytes = 0;
    child?.kill('SIGKILL');
    queue.unshift(...slot.jobs.splice(0));
  };

  /** Settles the worker's running file; `stop` kills the worker (it died, or was stopped at the limit). */
  const finish = (slot: Slot, outcome: FileOutcome, stop = false): void => {
    const job = slot.jobs.shift();
    if (job === undefined) return;
    clearTimeout(job.timer);
    const workerMs = job.startedAt === undefined ? 0 : performance.now() - job.startedAt;
    const next = slot.jobs[0];
    if (stop) retire(slot);
    else if (next !== undefined) begin(slot, next);
    else if (slot.child !== null) {
      // An idle worker must not keep the gate's process alive if it is never closed.
      holdOpen(slot.child, false);
    }
    job.resolve({ ...outcome, workerMs });
    pump();
  };

  /** The memory a worker is charged with: what it keeps (none without a worker), or what its files are expected to take if more. */
  const charge = (slot: Slot, extraCost = 0): number => Math.max(slot.keptBytes, slot.jobs.reduce((sum, job) => sum + job.cost, extraCost));
  const charged = (): number => slots.reduce((sum, slot) => sum + charge(slot), 0);

  /**
   * An idle worker (a running one before a new one, the one keeping the most memory first, since
   * the file reuses it); else, for a small file, the least loaded one behind a small file.
   */
  const slotFor = (job: Job): Slot | undefined => {
    const preference = (slot: Slot): number => (slot.child === null ? -1 : slot.keptBytes);
    let idle: Slot | undefined;
    for (const slot of slots) {
      if (slot.jobs.length === 0 && (idle === undefined || preference(slot) > preference(idle))) idle = slot;
    }
    if (idle !== undefined || job.task.file.content.byteLength > PIPELINE_MAX_BYTES) return idle;
    let best: Slot | undefined;
    for (const slot of slots) {
      const running = slot.jobs[0];
      if (slot.jobs.length >= PIPELINE_DEPTH || running === undefined || running.task.file.content.byteLength > PIPELINE_MAX_BYTES) continue;
      if (best === undefined || slot.jobs.length < best.jobs.length) best = slot;
    }
    return best;
  };

  const pump = (): void => {
    for (;;) {
      const job = queue[0];
      if (job === undefined || closed) return;
      const slot = slotFor(job);
      if (slot === undefined) return;
      let total = charged() - charge(slot) + charge(slot, job.cost);
      // Memory idle workers keep is given back before a file waits for it, the most first.
      for (const idle of slots.filter((s) => s !== slot && s.jobs.length === 0 && s.keptBytes > 0).sort((a, b) => b.keptBytes - a.keptBytes)) {
        if (total <= budget) break;
        total -= idle.keptBytes;
        stats.stoppedForMemory++;
        retire(idle);
      }
      // First come, first served: a big file waits for the running ones rather than being overtaken for ever.
      if (total > budget && slots.some((s) => s.jobs.length > 0)) return;
      queue.shift();
      send(slot, job);
    }
  };

  const closedOutcome: FileOutcome = { ok: false, reason: 'analysis-error', detail: 'the analysis pool was closed' };

  return {
    size: options.size,
    stats() {
      const live = slots.reduce((sum, slot) => sum + (slot.usage?.cpuMicros ?? 0) / 1000, 0);
      return { ...stats, workerCpuMs: stats.workerCpuMs + live };
    },
    analyse(task) {
      if (closed) return Promise.resolve(closedOutcome);
      return new Promise<FileOutcome>((resolve) => {
        queue.push({ id: nextId++, task, cost: estimateFileBytes(task.file.content.byteLength), resolve });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(closedOutcome);
      const exits = slots.flatMap((slot) => {
        const child = slot.child;
        for (const job of slot.jobs.splice(0)) {
          clearTimeout(job.timer);
          job.resolve(closedOutcome);
        }
        if (child === null) return [];
        const exited = new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        });
        // An idle worker is unreferenced; waiting for its exit must still hold the process open.
        child.ref();
        retire(slot);
        return [exited];
      });
      queue.splice(0);
      await Promise.all(exits);
    },
  };
}

/** Whether the worker's process, channel and stdin keep the gate's event loop alive. */
function holdOpen(child: ChildProcess, hold: boolean): void {
  // A piped stdin is a socket; the type says only Writable.
  const stdin = child.stdin as Socket | null;
  if (hold) {
    child.ref();
    child.channel?.ref();
    stdin?.ref();
  } else {
    child.unref();
    child.channel?.unref();
    stdin?.unref();
  }
}

/** The line of a dead worker's stderr that says why: V8's fatal error if there is one. */
function lastWords(stderr: string): string {
  const lines = stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !/^\d+: 0x/.test(line));
  const fatal = lines.find((line) => line.startsWith('FATAL ERROR'));
  return (fatal ?? lines.at(-1) ?? '').slice(0, 300);
}
