import { describe, expect, it } from 'vitest';
import { withConstantValues } from '../../src/analyse/templates/constant-values.js';

describe('a template with the values its messages all agree on', () => {
  it('writes back a value every message of it gives, and keeps <*> where they differ', () => {
    const template = 'container train killed: OOMKilled (exit code <*>), memory limit <*> exceeded on <*>';
    const messages = ['worker-1', 'worker-2', 'worker-1'].map((node) => `container train killed: OOMKilled (exit code 137), memory limit 4Gi exceeded on ${node}`);
    expect(withConstantValues(template, messages)).toBe('container train killed: OOMKilled (exit code 137), memory limit 4Gi exceeded on <*>');
  });

  it("leaves out another template's messages and reads messages spaced otherwise than its tokens", () => {
    const template = '<*> Unauthorized: token expired at <*>';
    const messages = ['401  Unauthorized: token expired at 2026-12-01T09:00:00Z', 'connection reset by peer', '401 Unauthorized:\ttoken expired at 2026-12-01T09:00:00Z'];
    expect(withConstantValues(template, messages)).toBe('401 Unauthorized: token expired at 2026-12-01T09:00:00Z');
  });

  it('keeps the template when no message reads as it, and a long value masked', () => {
    expect(withConstantValues('order <*> not found', ['something else'])).toBe('order <*> not found');
    expect(withConstantValues('order <*> not found', [`order ${'x'.repeat(80)} not found`])).toBe('order <*> not found');
    expect(withConstantValues('no parameters here', ['no parameters here'])).toBe('no parameters here');
    // Many parameters and a long message that does not read as the template: answered at once, not backtracked.
    const many = '<*> <*> <*> <*> <*> <*> <*> <*> failed';
    expect(withConstantValues(many, ['a '.repeat(30_000)])).toBe(many);
  });
});
