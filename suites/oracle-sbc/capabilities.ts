/** What a target must offer for some rules; without it they skip with the reason. */
export const CAPABILITIES = {
  'non-admin-account': 'the profile names an account without administrator privileges (accounts.nonAdmin)',
  'second-admin-account':
    'the profile names a second administrator (accounts.otherAdmin) to hold the lock against the first',
  'plain-http-listener':
    'the device listens on plain HTTP (params.httpUrl, default: the base URL with http: and port 80; "none" when it does not)',
  'token-expiry-observable':
    'access tokens expire within the rule time limit (params.tokenLifetimeSeconds plus a grace of a tenth, at least 3 s, plus margins < timeouts.ruleMs)',
} as const;

export type Capability = keyof typeof CAPABILITIES;
