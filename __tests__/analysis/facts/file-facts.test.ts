import { describe, expect, it } from 'vitest';
import { fileFacts } from '../../../src/analysis/facts/file-facts.js';

describe('fileFacts', () => {
  it('creates each fact once and shares it', () => {
    const facts = fileFacts();
    expect(facts.scope).toBe(facts.scope);
    expect(fileFacts().scope).not.toBe(facts.scope);
  });
});
