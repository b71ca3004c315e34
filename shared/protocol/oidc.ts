/**
 * Single sign-on refusals. `GET /api/auth/oidc/callback` (and `/login` when the provider
 * cannot be reached) send the browser to `/signin?error=<code>`; the sign-in page shows
 * the message for the code. One list, for the server and the client.
 */
export const OIDC_ERRORS = {
  oidc_unavailable: 'Single sign-on is not available right now: the identity provider could not be reached. Try again in a minute.',
  oidc_expired: 'This sign-in attempt expired or was started in another browser. Try again.',
  oidc_state: 'The answer from the identity provider does not belong to this sign-in attempt. Try again.',
  oidc_denied: 'The identity provider did not sign you in.',
  oidc_invalid: 'The answer from the identity provider could not be verified. Try again; if it keeps happening, tell your administrator.',
  oidc_no_email: 'Your identity provider did not tell us your e-mail address, which is needed to find your account.',
  oidc_email_unverified: 'Your identity provider has not verified your e-mail address, so it cannot be linked to an account. Verify it there first, or sign in with your e-mail and password.',
  oidc_domain: 'Accounts with this e-mail domain may not sign in here.',
  oidc_failed: 'Signing in did not work. Try again.',
} as const;

export type OidcErrorCode = keyof typeof OIDC_ERRORS;

export function isOidcErrorCode(v: unknown): v is OidcErrorCode {
  return typeof v === 'string' && Object.hasOwn(OIDC_ERRORS, v);
}
