import { describe, expect, it } from 'vitest';
import { MAX_MATCHES_PER_PATTERN, stringSignals } from '../../src/analysis/string-signals.js';

const whats = (text: string): string[] => stringSignals(text).map((signal) => `${signal.kind} ${signal.what}`);

describe('stringSignals', () => {
  it.each([
    ['a timezone read', 'x=Intl.DateTimeFormat().resolvedOptions().timeZone', ['timezone Intl.DateTimeFormat().resolvedOptions().timeZone']],
    ['a minified locale read', 'a=new Intl.NumberFormat().resolvedOptions( ).locale', ['locale Intl.NumberFormat().resolvedOptions().locale']],
    ['the whole resolved options', 'o=Intl.DateTimeFormat().resolvedOptions()', ['timezone Intl.DateTimeFormat().resolvedOptions()']],
    ['a timezone offset', 'new Date().getTimezoneOffset()', ['timezone new Date().getTimezoneOffset()']],
    ['os members, minified', '(0,o.hostname)();r.networkInterfaces();u.userInfo()', ['hostname os.hostname()', 'network os.networkInterfaces()', 'user os.userInfo()']],
    ['proxy and endpoint variables', 'e.env.HTTPS_PROXY||process.env["npm_config_proxy"]||env.OPENAI_BASE_URL', ['proxy process.env.HTTPS_PROXY', 'proxy process.env.npm_config_proxy', 'endpoint process.env.OPENAI_BASE_URL']],
    ['browser globals', 'navigator.languages;location.hostname', ['locale navigator.languages', 'hostname location.hostname']],
    ['machine ids and cloud metadata', '"/etc/machine-id";fetch("http://169.254.169.254/latest")', ['machine-id /etc/machine-id', 'cloud-metadata 169.254.169.254']],
    ['a git identity command', "execSync('git config --get user.email')", ['git-identity git config user.email']],
    ['nothing in honest text', 'const url = new URL(x); url.hostname; env.PATH; process.env.NODE_ENV;', []],
  ])('finds %s', (_label, text, expected) => {
    expect(whats(text)).toEqual(expected);
  });

  it('counts repeats once, at the first offset', () => {
    const [signal, ...rest] = stringSignals('a;process.env.TZ;process.env.TZ;process.env.TZ');
    expect(rest).toEqual([]);
    expect(signal).toMatchObject({ kind: 'timezone', what: 'process.env.TZ', offset: 10, occurrences: 3 });
  });

  it('bounds the matches it looks at per pattern', () => {
    const signal = stringSignals('env.TZ;'.repeat(MAX_MATCHES_PER_PATTERN * 2))[0];
    expect(signal?.occurrences).toBe(MAX_MATCHES_PER_PATTERN);
  });

  it('stays linear on hostile text: many anchors on one huge line, a lazy catalogue pattern', () => {
    // Each `git config` would make the catalogue's lazy pattern scan to the end of the line.
    const line = 'git config '.repeat(200_000) + 'user.email '.repeat(20_000);
    expect(whats(line)).toEqual(['git-identity git config user.email']);
  });
});
