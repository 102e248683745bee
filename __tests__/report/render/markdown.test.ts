import { describe, expect, it } from 'vitest';
import {
  COMMENT_MARKER,
  MAX_COMMENT_LENGTH,
  MAX_LIST_CHARACTERS,
  MAX_LIST_VALUES,
  renderMarkdown,
} from '../../../src/report/render/markdown.js';
import type { Finding, PackageReport, Report } from '../../../src/report/report.js';
import type { Severity } from '../../../src/report/severity.js';
import { makeFinding, makePackage, makeReport } from '../report-factory.js';

const REPORT = makeReport({
  verdict: 'fail',
  blocking: 2,
  mode: 'new',
  packages: [
    makePackage({
      name: 'tz-helper',
      findings: [
        makeFinding({
          severity: 'critical',
          file: 'lib/tz.js',
          line: 4,
          column: 2,
          message: 'Exits when the time zone is in a hidden list',
          evidence: {
            snippet: 'if (L.includes(tz)) process.exit(0)',
            list: { encoding: 'base64', values: Array.from({ length: 60 }, (_, i) => `Zone/City${i}`) },
          },
        }),
        makeFinding({ severity: 'high', introduced: false, message: 'Reads the host name' }),
        makeFinding({ severity: 'low', message: 'Reads the locale' }),
      ],
      files: { total: 4, parsed: 3, problems: [{ file: 'dist/broken.js', reason: 'Unexpected token (1:7)' }] },
    }),
    makePackage({ name: 'quiet', version: '3.1.0', previousVersion: '3.0.0' }),
    makePackage({ name: 'fresh', version: '2.0.0', previousVersion: null, change: 'added', status: 'failed', reason: 'E404 not in the registry' }),
    makePackage({ name: 'gitdep', version: '1.0.0', previousVersion: null, change: 'added', status: 'skipped', reason: 'git dependency: cannot be verified' }),
    makePackage({ name: 'gone', version: '0.9.0', previousVersion: null, change: 'removed', status: 'skipped', reason: 'removed' }),
  ],
  notes: ['yarn.lock changed but is not supported yet'],
});

function tableLines(body: string): string[] {
  return body.split('\n').filter((line) => line.startsWith('| '));
}

function unescapedPipes(line: string): number {
  return line.match(/(?<!\\)\|/g)?.length ?? 0;
}

const COMMENT = { marker: COMMENT_MARKER } as const;

describe('renderMarkdown: content', () => {
  const body = renderMarkdown(REPORT, COMMENT);

  it('starts with the marker, then the summary line and the counts', () => {
    const lines = body.split('\n');
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines[1]).toBe('**fingerprint-gate: fail** — 2 findings at or above `high` in 1 of 5 changed packages  ');
    expect(lines[2]).toBe('3 findings in total, 2 new in this version · 2 packages not scanned · 1 file not parsed');
  });

  it('has a table row per package, removed, skipped and failed included', () => {
    const rows = tableLines(body);
    expect(rows.slice(2)).toEqual([
      '| `tz-helper` | `1.0.0` → `1.0.1` | updated | scanned | **critical** | 2 of 3 |',
      '| `quiet` | `3.0.0` → `3.1.0` | updated | scanned | — | 0 |',
      '| `fresh` | `2.0.0` | added | failed | — | — |',
      '| `gitdep` | `1.0.0` | added | skipped | — | — |',
      '| `gone` | `0.9.0` → removed | removed | skipped | — | — |',
    ]);
    for (const row of rows) expect(unescapedPipes(row)).toBe(7);
  });

  it('gives the reason of every package that was not scanned', () => {
    expect(body).toContain('- `fresh` `2.0.0` — failed: E404 not in the registry');
    expect(body).toContain('- `gitdep` `1.0.0` — skipped: git dependency\\: cannot be verified');
    expect(body).not.toContain('- `gone`');
    expect(body).toContain('- yarn\\.lock changed but is not supported yet');
  });

  it('leads with what is new, most severe first, with location, list, snippet and link; the rest follows collapsed', () => {
    const lead = body.slice(body.indexOf('### New in this pull request, and what blocks'), body.indexOf('| Package |'));
    expect(body.indexOf('### New in this pull request')).toBeLessThan(body.indexOf('| Package |'));
    expect(lead).toContain('#### `tz-helper` `1.0.0` → `1.0.1` — 2 new findings, **1 blocking**');
    const critical = lead.indexOf('**critical** · `fingerprint-source` · `lib/tz.js:4:3` — Exits when the time zone is in a hidden list · **new in this version**');
    const low = lead.indexOf('- **low** · `fingerprint-source` · `lib/index.js:3:10` — Reads the locale');
    expect(critical).toBeGreaterThan(0);
    expect(low).toBeGreaterThan(critical);
    expect(lead).toContain('Decoded list (base64, 60 values): `Zone/City0`, ');
    expect(lead).toContain('`Zone/City49`, and 10 more');
    expect(lead).not.toContain('Zone/City50');
    expect(lead).toContain('```js\nif (L.includes(tz)) process.exit(0)\n```');
    expect(lead).toContain('[The file at `1.0.1` in the package browser](https://cdn.jsdelivr.net/npm/tz-helper@1.0.1/lib/tz.js)');
    expect(lead).not.toContain('Reads the host name');

    const earlier = body.slice(body.indexOf('<details>'));
    expect(earlier).toContain('<summary><code>tz-helper</code> 1.0.0 → 1.0.1 · 1 finding already in 1.0.0 · highest <b>high</b></summary>');
    expect(earlier).toContain('**high** · `fingerprint-source` · `lib/index.js:3:10` — Reads the host name\n');
    expect(earlier).toContain('- `dist/broken.js`: Unexpected token \\(1\\:7\\)');
  });

  it('ends with a legend, and opens no details block for a package with nothing to show', () => {
    // One for tz-helper's earlier finding, one for its file that did not parse.
    expect(body.match(/<details>/g)).toHaveLength(2);
    expect(body.match(/<\/details>/g)).toHaveLength(2);
    expect(body.trimEnd().split('\n').at(-1)).toMatch(/^<sub>Severities, most to least severe: critical, high, medium, low, info; the run fails on findings at or above `high`\..*<\/sub>$/);
  });

  it('says pass, and how fail-on none is read', () => {
    const pass = renderMarkdown(makeReport({ packages: [makePackage()] }));
    expect(pass.split('\n')[0]).toBe('**fingerprint-gate: pass** — no findings at or above `high` in 1 changed package');
    const none = renderMarkdown(makeReport({ failOn: 'none', packages: [makePackage({ findings: [makeFinding()] })] }));
    expect(none).toContain('**fingerprint-gate: pass** — 1 finding in 1 changed package; findings never fail this run (fail-on `none`)');
    const empty = renderMarkdown(makeReport());
    expect(empty).toContain('**fingerprint-gate: pass** — no changed packages');
    expect(empty).not.toContain('| Package |');
  });

  it('has no marker unless given one (job summary, CLI) and adds a title', () => {
    const summary = renderMarkdown(REPORT, { title: 'Dependency fingerprinting' });
    expect(summary.startsWith('### Dependency fingerprinting\n\n**fingerprint-gate: fail**')).toBe(true);
    expect(summary).not.toContain('<!--');
  });
});

describe('renderMarkdown: untrusted text is neutralised', () => {
  const hostile = makeReport({
    verdict: 'fail',
    blocking: 1,
    packages: [
      makePackage({ name: COMMENT_MARKER, version: '1.0.0|x', previousVersion: null, change: 'added', status: 'failed', reason: 'boom | col\nnew line @octocat' }),
      makePackage({
        name: 'evil',
        findings: [
          makeFinding({
            file: 'lib/a|b\nc.js',
            message: 'see [docs](https://evil.invalid) and ![pixel](https://evil.invalid/p.png) cc @octocat <img src=x> fixes #12',
            evidence: {
              snippet: 'const s = "``` ````` <!-- fingerprint-gate:comment --> </details>";',
              list: { encoding: 'base64', values: ['@octocat', 'a|b', '`x`'] },
            },
          }),
        ],
      }),
    ],
    notes: ['www.evil.invalid'],
  });
  const body = renderMarkdown(hostile, COMMENT);

  it('cannot forge the marker: it appears once, on the first line', () => {
    expect(body.split(COMMENT_MARKER)).toHaveLength(2);
    expect(body.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
    expect(body.match(/<!--/g)).toHaveLength(1);
  });

  it('cannot break the table with a pipe or a newline', () => {
    const rows = tableLines(body);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(unescapedPipes(row)).toBe(7);
    expect(body).not.toContain('a|b\nc');
    expect(body).toContain('lib\\/a\\|b\\\\nc\\.js');
  });

  it('cannot mention anyone: outside code, @ is followed by a zero-width space', () => {
    // GitHub does not turn @name into a mention inside code, so wrapping is as good as breaking.
    const outsideCode = body.replace(/``````js\n[^]*?\n``````/g, '').replace(/`[^`\n]+`/g, '');
    expect(outsideCode).not.toMatch(/@octocat/);
    expect(outsideCode).toContain('\\@\u200boctocat');
  });

  it('cannot make links, images, HTML or issue references', () => {
    // The one link is ours: the package browser, every segment percent-encoded.
    const links = [...body.matchAll(/(?<!\\)\[([^\]]*)\]\(([^)]*)\)/g)];
    expect(links.map((link) => link[2])).toEqual(['https://cdn.jsdelivr.net/npm/evil@1.0.1/lib/a%7Cb%0Ac.js']);
    const withoutLinks = body.replace(/(?<!\\)\[([^\]]*)\]\(https:\/\/cdn\.jsdelivr\.net\/npm\/[^\s()<>]*\)/g, '');
    expect(withoutLinks).not.toMatch(/(?<!\\)[[\]]/);
    expect(withoutLinks).not.toMatch(/(?<!\\)!\\?\[/);
    expect(body).not.toContain('<img');
    expect(body).toContain('&lt;img src\\=x&gt;');
    expect(withoutLinks).not.toContain('https://');
    expect(body).not.toContain('www.');
    expect(body).not.toMatch(/#\d/);
  });

  it('cannot close the code fence: the fence is longer than any backtick run inside', () => {
    const lines = body.split('\n');
    const open = lines.findIndex((line) => /^`{3,}js$/.test(line));
    expect(open).toBeGreaterThan(0);
    const fence = (lines[open] ?? '').slice(0, -2);
    expect(fence).toBe('``````');
    expect(lines[open + 1]).toContain('`````');
    expect(lines[open + 2]).toBe(fence);
  });

  it('keeps list values that are not tame out of code spans', () => {
    expect(body).toContain('Decoded list (base64, 3 values): `@octocat`, a\\|b, \\`x\\`');
  });
});

function severePackage(index: number, severity: Severity, findings: number): PackageReport {
  return makePackage({
    name: `pkg-${severity}-${index}`,
    findings: Array.from({ length: findings }, (_, i) =>
      makeFinding({ severity, line: i + 1, message: `${severity} finding ${i} `.repeat(20), evidence: { snippet: 'x'.repeat(400) } }),
    ),
  });
}

describe('renderMarkdown: decoded lists', () => {
  const listed = (values: string[], extra: Partial<Finding['evidence']['list']> = {}, at: Partial<Finding> = {}): Finding =>
    makeFinding({ message: 'Compares the time zone with a list', evidence: { snippet: 'x', list: { encoding: 'literal', values, ...extra } }, ...at });
  const render = (...findings: Finding[]): string => renderMarkdown(makeReport({ packages: [makePackage({ findings })] }));

  it('shows at least 50 values', () => {
    expect(MAX_LIST_VALUES).toBeGreaterThanOrEqual(50);
    const body = render(listed(Array.from({ length: 55 }, (_, i) => `host${i}`)));
    expect(body).toContain('`host49`, and 5 more');
    expect(body).not.toContain('host50');
  });

  it('stops at the character budget, showing at least one value', () => {
    const long = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(98)}`);
    const body = render(listed(long));
    const shown = Math.floor(MAX_LIST_CHARACTERS / 100);
    expect(body).toContain(`\`${long[shown - 1]}\`, and ${40 - shown} more`);
    expect(body).not.toContain(long[shown]);
    // Clipped to the field cap, the value is no longer tame text: it is escaped prose, not code.
    expect(render(listed(['y'.repeat(5_000)]))).toMatch(/Decoded list \(literal, 1 value\): y{200,}…\n/);
  });

  it('names the country of a zone list and shows its zones by country, most first', () => {
    const body = render(listed(['Europe/Kyiv', 'Europe/Moscow', 'Asia/Omsk']));
    expect(body).toContain(
      'Decoded list (literal, 3 values) — **3 zones in 2 countries\\: RU \\(Russia\\) 2\\, UA \\(Ukraine\\) 1**, telling entries first: `Europe/Moscow`, `Asia/Omsk`, `Europe/Kyiv`',
    );
  });

  it('keeps a list whose order is already telling as it is, and says nothing when there is nothing to say', () => {
    expect(render(listed(['alpha', 'beta']))).toContain('Decoded list (literal, 2 values): `alpha`, `beta`');
  });

  it('shows hashed lists in their own order, without targets', () => {
    const digests = ['ffff0000ffff0000ffff0000ffff0000', '0000ffff0000ffff0000ffff0000ffff'];
    const body = render(listed(digests, { encoding: 'hash:md5', hashed: { algorithm: 'md5', count: 2 } }));
    expect(body).toContain(`Decoded list (hash\\:md5, 2 values): \`${digests[0]}\`, \`${digests[1]}\``);
    expect(body).toContain('Hashed list: 2 digests (md5); the values are unknown');
  });

  it('shows each list of a decision that compares several on its own, with what it was compared with', () => {
    const hosts = ['a.acme.com', 'b.acme.com', 'globex.cn'];
    const words = ['lab', 'research'];
    const finding = makeFinding({
      evidence: {
        snippet: 'x',
        list: { encoding: 'base64+xor+split', values: [...hosts, ...words] },
        lists: [
          { encoding: 'base64+xor+split', values: hosts, comparedWith: ['process.env.ANTHROPIC_BASE_URL'], methods: ['endsWith'] },
          { encoding: 'base64+xor+split', values: words, comparedWith: ['process.env.ANTHROPIC_BASE_URL'], methods: ['includes'] },
        ],
      },
    });
    const body = render(finding);
    expect(body).toContain(
      'Decoded list 1 of 2 (base64\\+xor\\+split, 3 values, compared with `process.env.ANTHROPIC_BASE_URL`) — **3 domains under 2 registrable names\\; country TLDs\\: CN \\(China\\) 1**, telling entries first: `a.acme.com`, `globex.cn`, `b.acme.com`',
    );
    expect(body).toContain('Decoded list 2 of 2 (base64\\+xor\\+split, 2 values, compared with `process.env.ANTHROPIC_BASE_URL`): `lab`, `research`');
    expect(body).not.toContain('Decoded list (');
  });

  it('refers to a list already shown for the same package instead of repeating it', () => {
    const zones = ['Asia/Shanghai', 'Asia/Urumqi'];
    const body = render(listed(zones, {}, { line: 10, column: 0 }), listed(zones, {}, { line: 20, column: 4 }));
    expect(body.match(/`Asia\/Urumqi`/g)).toHaveLength(1);
    expect(body).toContain('Decoded list (literal, 2 values): the same list as at `lib/index.js:10:1`');
  });
});

describe('renderMarkdown: truncation', () => {
  it('drops detail blocks from the least severe and stays within the limit', () => {
    const packages = [
      ...Array.from({ length: 40 }, (_, i) => severePackage(i, 'low', 10)),
      severePackage(0, 'critical', 5),
      ...Array.from({ length: 40 }, (_, i) => severePackage(i, 'medium', 10)),
    ];
    const report = makeReport({ verdict: 'fail', blocking: 5, packages });
    const body = renderMarkdown(report, COMMENT);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body.startsWith(`${COMMENT_MARKER}\n**fingerprint-gate: fail**`)).toBe(true);
    expect(body).toContain('#### `pkg-critical-0`');
    expect(body).not.toContain('#### `pkg-low-');
    expect(body).toMatch(/_\d+ detail blocks left out to stay within 65,536 characters\. The full report is in the job summary/);
    expect(body.match(/<details>/g)?.length).toBe(body.match(/<\/details>/g)?.length);
    expect(tableLines(body)).toHaveLength(2 + packages.length);
  });

  it('in the job summary (no marker) points only at the artifact', () => {
    const packages = Array.from({ length: 30 }, (_, i) => severePackage(i, 'low', 10));
    const body = renderMarkdown(makeReport({ packages }), { maxLength: 40_000 });
    expect(body.length).toBeLessThanOrEqual(40_000);
    expect(body).toMatch(/left out to stay within 40,000 characters\. The full report is in the JSON report artifact\._/);
    expect(body).not.toContain('job summary');
  });

  it('keeps every block when they fit', () => {
    const body = renderMarkdown(makeReport({ packages: [severePackage(0, 'low', 2)] }));
    expect(body).not.toContain('left out');
    expect(body).toContain('#### `pkg-low-0`');
  });

  it('falls back to a short comment with marker, verdict and counts when even the table is too long', () => {
    const packages = Array.from({ length: 3000 }, (_, i) =>
      makePackage({ name: `some-rather-long-package-name-${i}`, findings: [makeFinding({ severity: 'high' })] }),
    );
    const report = makeReport({ verdict: 'fail', blocking: 3000, packages });
    const body = renderMarkdown(report, COMMENT);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body.startsWith(`${COMMENT_MARKER}\n**fingerprint-gate: fail** — 3000 findings at or above \`high\` in 3000 of 3000 changed packages`)).toBe(true);
    expect(body).toContain('3000 findings in total, 3000 new in this version');
    expect(body).toContain('The report was truncated');
    expect(body).toContain('The full report is in the job summary and the JSON report artifact.');
    expect(body).not.toContain('| Package |');
  });

  it.each([40, 200, 1_000, 5_000])('never exceeds a maxLength of %i', (maxLength) => {
    const report = makeReport({ verdict: 'fail', blocking: 1, packages: [severePackage(0, 'high', 3), severePackage(1, 'low', 3)] });
    expect(renderMarkdown(report, { ...COMMENT, maxLength }).length).toBeLessThanOrEqual(maxLength);
    expect(renderMarkdown(report, { maxLength }).length).toBeLessThanOrEqual(maxLength);
  });

  it('is always within the limit for a report of huge untrusted fields', () => {
    const huge = 'x|<@'.repeat(50_000);
    const report: Report = makeReport({
      verdict: 'fail',
      blocking: 1,
      packages: [makePackage({ name: huge, reason: huge, findings: [makeFinding({ message: huge, file: huge, evidence: { snippet: huge } })] })],
      notes: [huge],
    });
    const body = renderMarkdown(report, COMMENT);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(body).toContain('### New in this pull request');
  });
});

describe('renderMarkdown: the comment a reviewer reads', () => {
  const reads = (kind: string, count: number): Finding[] =>
    Array.from({ length: count }, (_, i) => makeFinding({ severity: 'info', line: i + 1, evidence: { sourceKind: kind, snippet: '' }, message: `Reads ${kind}` }));
  const report = makeReport({
    verdict: 'fail',
    blocking: 1,
    mode: 'new',
    ruleSettings: { 'fingerprint-source': 'info', 'hashed-list-match': 'off' },
    packages: [
      makePackage({
        name: 'chatty',
        ruledOff: 2,
        findings: [
          ...reads('timezone', 20),
          ...reads('locale', 3),
          makeFinding({ severity: 'low', message: 'Reads the host name lightly' }),
          makeFinding({
            ruleId: 'identity-targeting',
            severity: 'high',
            ruleSeverity: 'medium',
            message: 'Compares the time zone with a list',
            expiredAllowance: { package: 'chatty@^1', reason: 'formats dates', expires: '2025-06-30' },
          }),
        ],
        allowed: 1,
        allowedFindings: [{ ...makeFinding({ ruleId: 'fingerprint-exfiltration', severity: 'high' }), allowance: { package: 'chatty', reason: 'telemetry we opted into', expires: '2026-01-31' } }],
      }),
    ],
    staleAllowances: [{ package: 'chatty@^0.9', reason: 'the old major', expires: '2025-12-31' }],
  });
  const comment = renderMarkdown(report, { marker: COMMENT_MARKER, listInfo: false, listLow: false });
  const summary = renderMarkdown(report);

  it('sums up plain reads in one line per package in the comment, and lists them in the summary', () => {
    expect(comment).toContain('Plain reads (`info`): reads the timezone in 20 places\\, the locale in 3. Listed one by one in the job summary');
    expect(comment.match(/Reads timezone/g)).toBeNull();
    expect(summary.match(/Reads timezone/g)).toHaveLength(20);
  });

  it('lists low findings only when asked (comment: always), saying where they are otherwise', () => {
    expect(comment).not.toContain('Reads the host name lightly');
    expect(comment).toContain('1 `low` finding not listed here (listed with comment: always)');
    expect(renderMarkdown(report, { marker: COMMENT_MARKER, listInfo: false, listLow: true })).toContain('Reads the host name lightly');
  });

  it('says an allowance expired, with its reason, and shows a severity the policy set', () => {
    expect(comment).toContain('**high** (rule default medium, set by the policy) · `identity-targeting`');
    expect(comment).toContain('Allowance expired on `2025-06-30`, reason was: formats dates (allow entry `chatty@^1`).');
  });

  it('lists allowed findings with reason and expiry, and stale entries as a notice', () => {
    expect(comment).toContain('<details><summary>Allowed by the policy: 1 finding</summary>');
    expect(comment).toContain('`fingerprint-exfiltration` · `lib/index.js:3:10` — allowed by `chatty`, expires `2026-01-31`: telemetry we opted into');
    expect(comment).toContain('**Stale allowances** (a notice, not a failure)');
    expect(comment).toContain('- `chatty@^0.9`, expires `2025-12-31` — reason: the old major');
  });

  it('names the mode and the rule settings in the footer', () => {
    const footer = comment.trimEnd().split('\n').at(-1) ?? '';
    expect(footer).toContain('Mode `new`: only findings new in this pull request count');
    expect(footer).toContain('Rule settings of the policy: `fingerprint-source` info, `hashed-list-match` off (2 findings of rules turned off not shown).');
  });

  it('says in the footer and the lead that an audit counts every locked package and every finding', () => {
    const audited = renderMarkdown(makeReport({ mode: 'new', packages: [makePackage({ change: 'scanned', previousVersion: null })], audit: { packageSet: 'b'.repeat(64), packageCount: 1 } }));
    expect(audited.split('\n')[0]).toBe('**fingerprint-gate: pass** — no findings at or above `high` in 1 locked package');
    expect(audited.trimEnd().split('\n').at(-1)).toContain('An audit of every locked package: nothing is compared with an earlier version, so every finding is new and counts.');
    expect(audited).not.toContain('Mode `new`');
  });

  it('puts findings already there in mode all in the lead when they block', () => {
    const old = makePackage({ name: 'old', findings: [makeFinding({ severity: 'high', introduced: false })] });
    expect(renderMarkdown(makeReport({ mode: 'all', packages: [old] }))).toContain('#### `old` `1.0.0` → `1.0.1` — 0 new findings, 1 already in `1.0.0`, **1 blocking**');
    expect(renderMarkdown(makeReport({ mode: 'new', packages: [old] }))).not.toContain('#### `old`');
  });

  it('links no file of a package that was never published, nor a package-level finding', () => {
    const git = makePackage({ name: 'g', source: 'git', findings: [makeFinding()] });
    const lockfileLevel = makePackage({ name: 'u', findings: [makeFinding({ ruleId: 'unverifiable-source', file: 'package-lock.json', line: 0 })] });
    expect(renderMarkdown(makeReport({ packages: [git, lockfileLevel] }))).not.toContain('](https://');
    const mirrored = renderMarkdown(makeReport({ packageBrowser: 'https://files.example.test/npm/', packages: [makePackage({ name: '@scope/p(x)', findings: [makeFinding({ file: "a b/c'd.js" })] })] }));
    expect(mirrored).toContain('](https://files.example.test/npm/@scope/p%28x%29@1.0.1/a%20b/c%27d.js)');
  });
});
