import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact';

describe('createRedactor', () => {
  it('should mask raw and URL-encoded secret values', () => {
    const redactor = createRedactor(['s3cr3t/key+1']);
    expect(redactor.redact('key s3cr3t/key+1 here')).toBe('key *** here');
    expect(redactor.redact(`https://x.test/?api_key=${encodeURIComponent('s3cr3t/key+1')}`)).toBe(
      'https://x.test/?api_key=***',
    );
    expect(redactor.redact('https://x.test/?api_key=s3cr3t%2Fkey%2B1')).toBe('https://x.test/?api_key=***');
  });

  it('should mask the password of a connection URL', () => {
    const redactor = createRedactor();
    expect(redactor.redactUrl('postgres://root:hunter2@db.local:5432/test')).toBe(
      'postgres://root:***@db.local:5432/test',
    );
  });

  it('should redact every string inside nested values', () => {
    const redactor = createRedactor(['topsecret']);
    expect(redactor.redactValue({ a: ['x topsecret'], b: { c: 'topsecret' }, d: 3 })).toEqual({
      a: ['x ***'],
      b: { c: '***' },
      d: 3,
    });
  });

  it('should tell whether a text holds a secret, raw or URL-encoded', () => {
    const redactor = createRedactor(['s3cr3t/key+1']);
    expect(redactor.containsSecret('Bearer s3cr3t/key+1')).toBe(true);
    expect(redactor.containsSecret('token=s3cr3t%2Fkey%2B1')).toBe(true);
    expect(redactor.containsSecret('Bearer s3cr3t/key+1')).toBe(true);
    expect(redactor.containsSecret('restsync/1.0')).toBe(false);
    expect(createRedactor().containsSecret('anything')).toBe(false);
  });

  it('should ignore values too short to redact safely', () => {
    const redactor = createRedactor(['ab']);
    expect(redactor.redact('abc')).toBe('abc');
  });

  it('should keep masking every value when one is added again among new ones', () => {
    const redactor = createRedactor(['token-one']);
    redactor.add('token-one');
    redactor.add('token two');
    redactor.add('token-one');
    expect(redactor.redact('a token-one b token%20two c token+two')).toBe('a *** b *** c ***');
  });
});
