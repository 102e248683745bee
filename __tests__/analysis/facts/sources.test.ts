import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  envSourceKind,
  MEMBER_SOURCE_NAMES,
  mayNameSource,
  intlOptionKind,
  MEMBER_SOURCES,
  memberSource,
  methodSource,
  SOURCE_KINDS,
  SOURCE_KIND_LABELS,
  ENV_EXACT,
  ENV_PREFIXES,
  ENV_SUFFIXES,
  STRING_SOURCES,
  stringSources,
} from '../../../src/analysis/facts/sources.js';

describe('envSourceKind', () => {
  it.each([
    ['TZ', 'timezone'],
    ['LANG', 'locale'],
    ['LC_MESSAGES', 'locale'],
    ['https_proxy', 'proxy'],
    ['No_Proxy', 'proxy'],
    ['npm_config_registry', 'endpoint'],
    ['ANTHROPIC_BASE_URL', 'endpoint'],
    ['GITHUB_API_URL', 'ci'],
    ['GITHUB_REPOSITORY', 'ci'],
    ['GITHUB_ACTOR', 'ci'],
    // A credential and a vendor's client id: not who or where the user is.
    ['GITHUB_TOKEN', null],
    ['GITHUB_COPILOT_INTEGRATION_ID', null],
    ['REDIS_HOST', 'endpoint'],
    ['USERDOMAIN', 'user'],
    ['COMPUTERNAME', 'hostname'],
    ['RUNNER_OS', 'ci'],
    ['GIT_AUTHOR_EMAIL', 'git-identity'],
    ['NODE_ENV', null],
    ['PATH', null],
    ['_HOST', null],
    ['constructor', null],
    ['__proto__', null],
    ['', null],
    [`${'A'.repeat(200)}_HOST`, null],
  ])('%s -> %s', (name, kind) => {
    expect(envSourceKind(name)).toBe(kind);
  });
});

describe('catalogue tables', () => {
  it('uses only known source kinds, and every kind has a label and an entry', () => {
    const used = new Set<string>([
      ...Object.values(ENV_EXACT),
      ...ENV_PREFIXES.map(([, kind]) => kind),
      ...ENV_SUFFIXES.map(([, kind]) => kind),
      ...Object.values(MEMBER_SOURCES).map((m) => m.kind),
      ...STRING_SOURCES.map((s) => s.kind),
    ]);
    for (const kind of used) expect(SOURCE_KINDS).toContain(kind);
    for (const kind of SOURCE_KINDS) {
      expect(used.has(kind)).toBe(true);
      expect(SOURCE_KIND_LABELS[kind].length).toBeGreaterThan(0);
    }
  });

  it('keys exact environment names upper-case, as lookups upper-case them', () => {
    for (const name of Object.keys(ENV_EXACT)) expect(name).toBe(name.toUpperCase());
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ENV_EXACT)).toBe(true);
    expect(Object.isFrozen(MEMBER_SOURCES)).toBe(true);
    expect(Object.isFrozen(STRING_SOURCES)).toBe(true);
  });

  it('answers own entries only', () => {
    expect(memberSource(['os', 'hostname'])?.kind).toBe('hostname');
    expect(memberSource(['toString'])).toBeNull();
    expect(methodSource('getTimezoneOffset')?.kind).toBe('timezone');
    expect(methodSource('constructor')).toBeNull();
    expect(intlOptionKind('timeZone')).toBe('timezone');
    expect(intlOptionKind('hasOwnProperty')).toBeNull();
  });
});

describe('stringSources', () => {
  it.each([
    ['cat /etc/machine-id', ['machine-id']],
    ['ioreg -rd1 -c IOPlatformExpertDevice | grep IOPlatformUUID', ['machine-id']],
    ['http://169.254.169.254/latest/meta-data/', ['cloud-metadata']],
    ['git config --global user.email && git config user.name', ['git-identity', 'git-identity']],
    ['https://api64.ipify.org?format=json', ['public-ip']],
    ['user.email is required', []],
    ['git status', []],
    ['/etc/hosts', []],
    ['short', []],
  ])('%j -> %j', (value, kinds) => {
    expect(stringSources(value).map((m) => m.kind)).toEqual(kinds);
  });

  it('every table entry is reachable through the prefilter', () => {
    for (const entry of STRING_SOURCES) {
      expect(stringSources(`x ${entry.what} x`).map((m) => m.what)).toContain(entry.what);
    }
  });
});

describe('mayNameSource', () => {
  const catalogue = [...Object.keys(ENV_EXACT), ...MEMBER_SOURCE_NAMES, 'GITHUB_SHA', 'lc_time', 'OPENAI_BASE_URL', 'x_host'];
  it.each(catalogue.flatMap((name) => [name, name.toLowerCase(), name.toUpperCase()]))('lets %s through', (name) => {
    expect(mayNameSource(name)).toBe(true);
  });

  it('never rejects a name the catalogue classifies (property)', () => {
    // Mixed-case variants of catalogue names with edits, so matches and near misses both occur.
    const base = fc.constantFrom(...catalogue, 'host', 'user', 'home', 'ci', 'lang');
    const name = fc
      .tuple(base, fc.array(fc.boolean(), { maxLength: 20 }), fc.constantFrom('', '_', 'x', 'S', 'ſ'), fc.boolean())
      .map(([word, upper, extra, atStart]) => {
        const cased = [...word].map((c, i) => (upper[i] === true ? c.toUpperCase() : c.toLowerCase())).join('');
        return atStart ? extra + cased : cased + extra;
      });
    fc.assert(
      fc.property(name, (candidate) => {
        if (envSourceKind(candidate) !== null || MEMBER_SOURCE_NAMES.has(candidate)) expect(mayNameSource(candidate)).toBe(true);
      }),
    );
  });

  it.each(['length', 'push', 'call', 'prototype', 'type', 'name', 'value', 'default', 'apply', 'then', ''])(
    'rejects %j without a table lookup',
    (name) => {
      expect(mayNameSource(name)).toBe(false);
      expect(envSourceKind(name)).toBeNull();
      expect(MEMBER_SOURCE_NAMES.has(name)).toBe(false);
    },
  );
});
