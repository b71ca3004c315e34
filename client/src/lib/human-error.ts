/**
 * Errors as people read them. A failed request's raw text ("Failed to fetch", "HTTP_503")
 * becomes what happened and what to do; the server's own messages for refusals it explains
 * (such as "a board keeps at least one owner") are kept as they are.
 */
import { ApiError } from './api.js';

export const OFFLINE_MESSAGE = 'You’re offline or the server can’t be reached. Your changes on the board are kept on this device; try this again when you’re back online.';

/** Browser wordings of a request that never got an answer. */
const NETWORK = /^(failed to fetch|networkerror when attempting to fetch resource\.?|load failed|network ?error|the network connection was lost\.?)$/i;

export function humanError(e: unknown): string {
  if (e instanceof ApiError) {
    switch (e.status) {
      case 401:
        return 'Your session has ended: sign in again.';
      case 403:
        return e.message && e.message !== 'Forbidden' ? `Not allowed: ${e.message}.` : 'You are not allowed to do that on this board.';
      case 404:
        return 'That is no longer there: the board or the item was removed, or you are no longer a member.';
      case 413:
        return `That is too large for the server${e.message ? ` (${e.message})` : ''}.`;
      case 429:
        return 'Too many requests in a short time: wait a few seconds and try again.';
      default:
        if (e.status >= 500) return 'The server ran into a problem. Try again in a moment.';
        return e.message || `The request failed (${e.status}).`;
    }
  }
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : String(e);
  if (NETWORK.test(message.trim())) return OFFLINE_MESSAGE;
  return message;
}
