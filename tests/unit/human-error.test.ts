/** Errors as sentences: network failures, HTTP statuses, and the server's own refusals. */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../client/src/lib/api.js';
import { humanError, OFFLINE_MESSAGE } from '../../client/src/lib/human-error.js';

describe('humanError', () => {
  it.each(['Failed to fetch', 'NetworkError when attempting to fetch resource.', 'Load failed'])('"%s" reads as offline', (raw) => {
    expect(humanError(new TypeError(raw))).toBe(OFFLINE_MESSAGE);
    expect(humanError(raw)).toBe(OFFLINE_MESSAGE);
  });

  it('explains statuses and keeps the server’s explanation of a conflict', () => {
    expect(humanError(new ApiError(401, 'UNAUTHORIZED', 'no session'))).toBe('Your session has ended: sign in again.');
    expect(humanError(new ApiError(429, 'RATE_LIMITED', 'slow down'))).toMatch(/^Too many requests/);
    expect(humanError(new ApiError(503, 'HTTP_503', 'Service Unavailable'))).toBe('The server ran into a problem. Try again in a moment.');
    expect(humanError(new ApiError(409, 'CONFLICT', 'a board keeps at least one owner'))).toBe('a board keeps at least one owner');
    expect(humanError(new ApiError(413, 'PAYLOAD_TOO_LARGE', 'request body too large'))).toBe('That is too large for the server (request body too large).');
  });

  it('passes other messages through', () => {
    expect(humanError(new Error('the claim was merged meanwhile'))).toBe('the claim was merged meanwhile');
  });
});
