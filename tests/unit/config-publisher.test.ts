/** Issue 16: the server's default ClaimReview author is configured, never invented. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe('PUBLISHER_NAME / PUBLISHER_URL', () => {
  it('default to no publisher (ClaimReview then says no-publisher), empty values count as unset', () => {
    expect(loadConfig({}).publisher).toBeNull();
    expect(loadConfig({ PUBLISHER_NAME: '', PUBLISHER_URL: '' }).publisher).toBeNull();
    expect(loadConfig({ PUBLISHER_NAME: ' The Desk ', PUBLISHER_URL: 'https://desk.example' }).publisher).toEqual({ name: 'The Desk', url: 'https://desk.example' });
  });

  it('refuses a publisher URL that is not a web link', () => {
    expect(() => loadConfig({ PUBLISHER_NAME: 'Desk', PUBLISHER_URL: 'javascript:alert(1)' })).toThrow();
  });
});
