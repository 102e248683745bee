import { describe, expect, it } from 'vitest';
import { isPublished, MAX_URL_LENGTH, packageBrowserBase, packageFilePath, packageFileUrl } from '../../src/report/package-browser.js';
import { makePackage } from './report-factory.js';

describe('package-browser', () => {
  it('writes <name>@<version>/<path> with every segment encoded and the scope kept', () => {
    expect(packageFilePath({ name: '@scope/tz', version: '2.0.0-rc.1+b' }, "dist/a b#1/(x)!'*.js")).toBe('@scope/tz@2.0.0-rc.1%2Bb/dist/a%20b%231/%28x%29%21%27%2A.js');
    expect(packageFilePath({ name: 'p', version: '1.0.0' }, 'bad\ud800.js')).toBe('p@1.0.0/bad%EF%BF%BD.js');
  });

  it('links published files below the base, and nothing for package-level findings, removed or unpublished packages', () => {
    const pkg = makePackage({ name: 'p', version: '1.0.0' });
    expect(packageFileUrl(pkg, { file: 'i.js', line: 1 }, 'https://b.example/x')).toBe('https://b.example/x/p@1.0.0/i.js');
    expect(packageFileUrl(pkg, { file: 'i.js', line: 0 })).toBeNull();
    expect(packageFileUrl(makePackage({ change: 'removed' }), { file: 'i.js', line: 1 })).toBeNull();
    expect(packageFileUrl(makePackage({ source: 'git' }), { file: 'i.js', line: 1 })).toBeNull();
    expect(packageFileUrl(pkg, { file: 'x'.repeat(MAX_URL_LENGTH), line: 1 })).toBeNull();
    expect(isPublished(makePackage({ source: 'local-directory' }))).toBe(false);
    expect(isPublished(makePackage())).toBe(true);
    expect(packageBrowserBase('https://b.example/x/')).toBe('https://b.example/x/');
  });
});
