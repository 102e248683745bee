import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../../src/cache/default-cache-dir.js';

describe('defaultCacheDir', () => {
  it('is under RUNNER_TEMP on GitHub Actions', () => {
    expect(defaultCacheDir({ GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/runner/tmp', HOME: '/home/u' })).toBe(join('/runner/tmp', 'fingerprint-gate-results'));
  });

  it("is the user's cache directory elsewhere: XDG_CACHE_HOME, LOCALAPPDATA, then ~/.cache", () => {
    expect(defaultCacheDir({ RUNNER_TEMP: '/not/actions', XDG_CACHE_HOME: '/xdg', HOME: '/home/u' })).toBe(join('/xdg', 'fingerprint-gate'));
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:/Users/u/AppData/Local' })).toBe(join('C:/Users/u/AppData/Local', 'fingerprint-gate', 'Cache'));
    expect(defaultCacheDir({ HOME: '/home/u', XDG_CACHE_HOME: '' })).toBe(join('/home/u', '.cache', 'fingerprint-gate'));
  });

  it('is none when the environment names no place of the user', () => {
    expect(defaultCacheDir({ PATH: '/bin' })).toBeNull();
  });
});
