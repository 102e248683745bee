import { describe, expect, it } from 'vitest';
import { highestSeverity, reachesThreshold } from '../../src/report/severity.js';

describe('reachesThreshold', () => {
  it.each([
    ['info', 'info', true],
    ['low', 'medium', false],
    ['high', 'high', true],
    ['critical', 'high', true],
    ['critical', 'none', false],
  ] as const)('%s against %s is %s', (severity, failOn, expected) => {
    expect(reachesThreshold(severity, failOn)).toBe(expected);
  });
});

describe('highestSeverity', () => {
  it('picks the most severe and is null when empty', () => {
    expect(highestSeverity(['low', 'critical', 'medium'])).toBe('critical');
    expect(highestSeverity([])).toBeNull();
  });
});
