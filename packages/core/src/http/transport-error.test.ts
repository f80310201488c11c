import { describe, expect, it } from 'vitest';
import { classifyTransportError } from './transport-error';

function systemError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyTransportError', () => {
  it('should retry a connection reset reported by undici as fetch failed', () => {
    const error = new TypeError('fetch failed', { cause: systemError('read ECONNRESET', 'ECONNRESET') });
    expect(classifyTransportError(error)).toEqual({
      retryable: true,
      code: 'ECONNRESET',
      description: 'connection reset (ECONNRESET)',
    });
  });

  it('should retry a body cut off mid-stream (undici TypeError terminated)', () => {
    const error = new TypeError('terminated', { cause: systemError('other side closed', 'UND_ERR_SOCKET') });
    expect(classifyTransportError(error)).toMatchObject({ retryable: true, code: 'UND_ERR_SOCKET' });
    expect(classifyTransportError(error).description).toContain('cut off mid-stream');
  });

  it('should find a DNS failure inside an AggregateError', () => {
    const cause = new AggregateError([systemError('getaddrinfo EAI_AGAIN api.example.com', 'EAI_AGAIN')]);
    expect(classifyTransportError(new TypeError('fetch failed', { cause }))).toMatchObject({
      retryable: true,
      code: 'EAI_AGAIN',
    });
  });

  it('should not retry an error that no repetition can fix', () => {
    const error = new TypeError('fetch failed', {
      cause: systemError('certificate has expired', 'CERT_HAS_EXPIRED'),
    });
    expect(classifyTransportError(error)).toEqual({
      retryable: false,
      code: 'CERT_HAS_EXPIRED',
      description: 'certificate has expired (CERT_HAS_EXPIRED)',
    });
  });
});
