import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  authKindFor,
  describeRegistries,
  npmrcFromBase,
  npmrcSecrets,
  npmrcSettingChanges,
  parseNpmrc,
  readNpmrc,
  redactNpmrc,
  registryAuthPrefix,
  registryFor,
  scrubSecrets,
  type AuthKind,
  type NpmrcConfig,
} from '../../src/fetch/npmrc.js';

const REG = 'https://registry.invalid/';
const TOKEN = 'npm_abcdefSECRET123';

describe('parseNpmrc', () => {
  const CASES: { name: string; text: string; env?: Record<string, string>; expected: Record<string, string | boolean> }[] = [
    { name: 'registry gets a trailing slash', text: 'registry=https://registry.invalid', expected: { registry: REG } },
    { name: 'spaces around = and CRLF line ends', text: 'registry = https://registry.invalid/\r\n', expected: { registry: REG } },
    { name: '# and ; comment lines', text: '# registry=https://a.invalid/\n; registry=https://b.invalid/\nregistry=https://registry.invalid/', expected: { registry: REG } },
    { name: 'inline comments after a value', text: 'registry=https://registry.invalid/ # the mirror', expected: { registry: REG } },
    { name: 'quoted values are taken whole', text: '"//registry.invalid/:_authToken"="tok#en;x"', expected: { '//registry.invalid/:_authToken': 'tok#en;x' } },
    { name: 'scoped registry', text: '@corp:registry=https://corp.invalid/npm', expected: { '@corp:registry': 'https://corp.invalid/npm/' } },
    { name: 'registry-scoped token', text: `//registry.invalid/:_authToken=${TOKEN}`, expected: { '//registry.invalid/:_authToken': TOKEN } },
    {
      name: '${VAR} expansion in keys and values',
      text: '//${HOST}/:_authToken=${NPM_TOKEN}',
      env: { HOST: 'registry.invalid', NPM_TOKEN: TOKEN },
      expected: { '//registry.invalid/:_authToken': TOKEN },
    },
    { name: 'an unset ${VAR} stays as written', text: '//registry.invalid/:_authToken=${NOPE}', expected: { '//registry.invalid/:_authToken': '${NOPE}' } },
    { name: 'an unset ${VAR?} becomes empty', text: '//registry.invalid/:_authToken=x${NOPE?}', expected: { '//registry.invalid/:_authToken': 'x' } },
    { name: 'an escaped \\${VAR} is not expanded', text: '//registry.invalid/:_authToken=\\${NPM_TOKEN}', env: { NPM_TOKEN: TOKEN }, expected: { '//registry.invalid/:_authToken': '${NPM_TOKEN}' } },
    { name: 'an escaped backslash (doubled again by ini) before ${VAR} still expands', text: '//registry.invalid/:_authToken=\\\\\\\\${NPM_TOKEN}', env: { NPM_TOKEN: TOKEN }, expected: { '//registry.invalid/:_authToken': `\\${TOKEN}` } },
    { name: 'always-auth is a boolean', text: 'always-auth=true\n//registry.invalid/:always-auth=false', expected: { 'always-auth': true, '//registry.invalid/:always-auth': false } },
    { name: 'unrelated keys are dropped', text: 'ignore-scripts=false\nprefix=/tmp\nscript-shell=/bin/evil\n_auth=abc', expected: { _auth: 'abc' } },
    { name: 'keys under a [section] are ignored', text: 'registry=https://registry.invalid/\n[other]\nregistry=https://b.invalid/', expected: { registry: REG } },
  ];
  it.each(CASES)('$name', ({ text, env, expected }) => {
    expect(parseNpmrc(text, env ?? {}, '.npmrc')).toEqual(expected);
  });

  it.each(['registry=not a url', 'registry=file:///etc/passwd', '@corp:registry=ftp://x.invalid/'])(
    'refuses %s with a ConfigError naming the file',
    (text) => {
      expect(() => parseNpmrc(text, {}, '/repo/.npmrc')).toThrow(ConfigError);
      expect(() => parseNpmrc(text, {}, '/repo/.npmrc')).toThrow(/^\/repo\/\.npmrc: the registry/);
    },
  );

  it('does not echo a password from a bad registry URL', () => {
    expect(() => parseNpmrc('registry=gopher://me:pa55word@x.invalid/', {}, '.npmrc')).toThrow(/me:\(redacted\)@/);
  });
});

describe('readNpmrc', () => {
  let projectDir: string;
  let homeDir: string;
  beforeEach(async () => {
    projectDir = await mkdtemp(join(tmpdir(), 'fg-npmrc-project-'));
    homeDir = await mkdtemp(join(tmpdir(), 'fg-npmrc-home-'));
  });
  afterEach(async () => {
    await rm(projectDir, { recursive: true, force: true });
    await rm(homeDir, { recursive: true, force: true });
  });

  it('lets the project file win over the user file, key by key', async () => {
    await writeFile(join(homeDir, '.npmrc'), 'registry=https://user.invalid/\n//registry.invalid/:_authToken=from-user\n');
    await writeFile(join(projectDir, '.npmrc'), 'registry=https://registry.invalid/\n');
    expect(readNpmrc(projectDir, {}, homeDir)).toEqual({ registry: REG, '//registry.invalid/:_authToken': 'from-user' });
  });

  it('finds the user file through HOME and NPM_CONFIG_USERCONFIG', async () => {
    await writeFile(join(homeDir, '.npmrc'), 'registry=https://home.invalid/\n');
    const elsewhere = join(homeDir, 'ci', 'npmrc');
    await mkdir(join(homeDir, 'ci'));
    await writeFile(elsewhere, 'registry=https://ci.invalid/\n');
    expect(readNpmrc(projectDir, { HOME: homeDir }).registry).toBe('https://home.invalid/');
    expect(readNpmrc(projectDir, { HOME: homeDir, NPM_CONFIG_USERCONFIG: elsewhere }).registry).toBe('https://ci.invalid/');
  });

  it('lets npm_config_registry win over both files', async () => {
    await writeFile(join(projectDir, '.npmrc'), 'registry=https://project.invalid/\n');
    expect(readNpmrc(projectDir, { npm_config_registry: 'https://env.invalid' }, homeDir).registry).toBe('https://env.invalid/');
  });

  it('returns an empty config when there are no files', () => {
    expect(readNpmrc(projectDir, {}, homeDir)).toEqual({});
  });

  it('scopes unscoped legacy auth to the default registry, without overriding a scoped value', async () => {
    await writeFile(join(projectDir, '.npmrc'), `registry=https://registry.invalid/npm/\n_authToken=${TOKEN}\n_auth=dXNlcjpwYXNz\n//registry.invalid/npm/:_auth=scoped\n`);
    expect(readNpmrc(projectDir, {}, homeDir)).toEqual({
      registry: 'https://registry.invalid/npm/',
      '//registry.invalid/npm/:_authToken': TOKEN,
      '//registry.invalid/npm/:_auth': 'scoped',
    });
  });

  it('reports an unreadable file as a ConfigError naming it', async () => {
    await mkdir(join(projectDir, '.npmrc'));
    expect(() => readNpmrc(projectDir, {}, homeDir)).toThrow(new RegExp(`^${join(projectDir, '.npmrc')}: cannot read`));
  });
});

describe('registry helpers', () => {
  const config: NpmrcConfig = {
    registry: REG,
    '@corp:registry': 'https://corp.invalid/npm/',
    '@basic:registry': 'https://basic.invalid/',
    '@pw:registry': 'https://pw.invalid/',
    '@cert:registry': 'https://cert.invalid/',
    '//registry.invalid/:_authToken': TOKEN,
    '//corp.invalid/:_authToken': 'corp-token-value',
    '//basic.invalid/:_auth': Buffer.from('user:basic-password').toString('base64'),
    '//pw.invalid/:username': 'me',
    '//pw.invalid/:_password': Buffer.from('plain-password').toString('base64'),
    '//cert.invalid/:certfile': '/c.pem',
    '//cert.invalid/:keyfile': '/k.pem',
  };

  it('finds the registry for a package by its scope', () => {
    expect(registryFor(config, '@corp/lib')).toBe('https://corp.invalid/npm/');
    expect(registryFor(config, '@other/lib')).toBe(REG);
    expect(registryFor(config, 'left-pad')).toBe(REG);
    expect(registryFor({}, 'left-pad')).toBeUndefined();
  });

  it('builds the auth key prefix npm uses', () => {
    expect(registryAuthPrefix('https://corp.invalid:8443/npm')).toBe('//corp.invalid:8443/npm/');
  });

  const KINDS: [string, AuthKind][] = [
    ['https://registry.invalid/', 'token'],
    ['https://corp.invalid/npm/', 'token'],
    ['https://basic.invalid/', 'basic auth'],
    ['https://pw.invalid/', 'username and password'],
    ['https://cert.invalid/', 'client certificate'],
    ['https://nobody.invalid/', 'no auth'],
  ];
  it.each(KINDS)('auth for %s is %s', (registry, kind) => {
    expect(authKindFor(config, registry)).toBe(kind);
  });

  it('describes registries without any secret', () => {
    const line = describeRegistries(config);
    expect(line).toContain('registry https://registry.invalid/ (token)');
    expect(line).toContain('@corp -> https://corp.invalid/npm/ (token)');
    expect(line).toContain('@basic -> https://basic.invalid/ (basic auth)');
    for (const secret of npmrcSecrets(config)) expect(line).not.toContain(secret);
    expect(describeRegistries({})).toBe("npm's default registry");
  });

  it('redacts every secret value and keeps the rest', () => {
    const redacted = redactNpmrc({ ...config, '@url:registry': 'https://me:url-secret@url.invalid/' });
    expect(redacted['//registry.invalid/:_authToken']).toBe('(redacted)');
    expect(redacted['//basic.invalid/:_auth']).toBe('(redacted)');
    expect(redacted['//pw.invalid/:_password']).toBe('(redacted)');
    expect(redacted['//pw.invalid/:username']).toBe('me');
    expect(redacted['@url:registry']).toBe('https://me:(redacted)@url.invalid/');
    expect(JSON.stringify(redacted)).not.toMatch(/SECRET|corp-token-value|url-secret/);
  });

  it('scrubs secrets in their written and decoded forms from text', () => {
    const text = `failed with ${TOKEN}, corp-token-value, basic-password, plain-password at https://me:url-secret@host.invalid/x`;
    const scrubbed = scrubSecrets(text, { ...config, '@url:registry': 'https://me:url-secret@host.invalid/' });
    expect(scrubbed).not.toMatch(/SECRET|corp-token-value|basic-password|plain-password|url-secret/);
    expect(scrubbed).toContain('https://me:(redacted)@host.invalid/x');
  });
});

describe('npmrcFromBase', () => {
  let workspace: string;
  let homeDir: string;
  beforeEach(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'fg-npmrc-workspace-'));
    homeDir = await mkdtemp(join(tmpdir(), 'fg-npmrc-home-'));
  });
  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
    await rm(homeDir, { recursive: true, force: true });
  });

  it("reads the base text over the user's file and never the checkout's .npmrc", async () => {
    await writeFile(join(workspace, '.npmrc'), 'registry=https://collector.invalid/\n//collector.invalid/:_authToken=${NPM_TOKEN}\n');
    await writeFile(join(homeDir, '.npmrc'), '//registry.invalid/:_authToken=${NPM_TOKEN}\n');
    const { config, notes } = npmrcFromBase({
      baseText: 'registry=https://registry.invalid/\n',
      baseLabel: '.npmrc (base 1234567)',
      env: { NPM_TOKEN: TOKEN },
      homeDir,
      untrustedDir: workspace,
    });
    expect(config).toEqual({ registry: REG, '//registry.invalid/:_authToken': TOKEN });
    expect(notes).toEqual([]);
  });

  it('is the user config alone when the base has no .npmrc', async () => {
    await writeFile(join(homeDir, '.npmrc'), 'registry=https://registry.invalid/\n');
    expect(npmrcFromBase({ baseText: null, baseLabel: 'x', env: {}, homeDir, untrustedDir: workspace }).config).toEqual({ registry: REG });
  });

  it("does not read a user config that lies inside the pull request's checkout, and says so", async () => {
    const inside = join(workspace, 'ci', 'npmrc');
    await mkdir(join(workspace, 'ci'));
    await writeFile(inside, 'registry=https://collector.invalid/\n');
    const { config, notes } = npmrcFromBase({ baseText: null, baseLabel: 'x', env: { NPM_CONFIG_USERCONFIG: inside }, untrustedDir: workspace });
    expect(config).toEqual({});
    expect(notes).toEqual([expect.stringContaining(`${inside} lies inside the pull request's checkout`)]);
  });

  it('names the base file in a ConfigError', () => {
    expect(() => npmrcFromBase({ baseText: 'registry=nope', baseLabel: '.npmrc (base 1234567)', env: {}, homeDir, untrustedDir: workspace })).toThrow(
      /^\.npmrc \(base 1234567\): the registry "nope" is not a URL/,
    );
  });
});

describe('npmrcSettingChanges', () => {
  const BASE = 'registry=https://registry.invalid/\n//registry.invalid/:_authToken=${NPM_TOKEN}\n';

  it('is empty when the head keeps the settings (comments and unrelated keys aside)', () => {
    expect(npmrcSettingChanges(BASE, BASE)).toEqual([]);
    expect(npmrcSettingChanges(BASE, `# mirror\n${BASE}save-exact=true\n`)).toEqual([]);
    expect(npmrcSettingChanges(null, null)).toEqual([]);
    expect(npmrcSettingChanges(null, 'save-exact=true\n')).toEqual([]);
  });

  it('names added, changed and removed registries, scopes and tokens; URLs shown, credentials never', () => {
    const head = [
      'registry=https://collector.invalid/',
      '@corp:registry=https://me:pa55word@collector.invalid/corp',
      `//collector.invalid/:_authToken=${TOKEN}`,
    ].join('\n');
    const changes = npmrcSettingChanges(BASE, head);
    expect(changes).toEqual([
      { key: '//collector.invalid/:_authToken', change: 'adds' },
      { key: '@corp:registry', change: 'adds', value: 'https://me:(redacted)@collector.invalid/corp/' },
      { key: 'registry', change: 'changes', value: 'https://collector.invalid/' },
      { key: '//registry.invalid/:_authToken', change: 'removes' },
    ]);
    expect(JSON.stringify(changes)).not.toContain(TOKEN);
    expect(JSON.stringify(changes)).not.toContain('pa55word');
  });

  it('compares as written: a token from another variable is a change, and no variable is expanded', () => {
    expect(npmrcSettingChanges(BASE, BASE.replace('NPM_TOKEN', 'OTHER'))).toEqual([{ key: '//registry.invalid/:_authToken', change: 'changes' }]);
  });

  it('reports a head file npm could not read as a change of the whole file', () => {
    expect(npmrcSettingChanges(BASE, 'registry=gopher://x.invalid/')).toEqual([{ key: '.npmrc', change: 'changes' }]);
  });
});
