/** What a target must offer for some rules; without it they skip with the reason. */
export const CAPABILITIES = {
  'api-version':
    'the SBC offers the REST version the suite uses (params.apiVersion, v1.2, the only version of the certificate endpoints): it lists it at GET /rest/api/supportedversions or answers its login',
  'certificate-import':
    'the release offers PUT /rest/{version}/configuration/certificates/import (documented for some releases only; the generateRequest page does not mention it)',
  'non-admin-account': 'the profile names an account without administrator privileges (accounts.nonAdmin)',
  'second-admin-account':
    'the profile names a second administrator (accounts.otherAdmin) to hold the lock against the first',
  'plain-http-listener':
    'the device listens on plain HTTP (params.httpUrl, default: the base URL with http: and port 80; "none" when it does not)',
  'token-expiry-observable':
    'access tokens expire within the rule time limit (params.tokenLifetimeSeconds plus a grace of a tenth, at least 3 s, plus margins < timeouts.ruleMs)',
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** How a target's headline names a capability it lacks: "<name>: <the probe's reason>". */
export const CAPABILITY_NAMES: Record<Capability, string> = {
  'api-version': 'REST API version',
  'certificate-import': 'certificate import',
  'non-admin-account': 'non-administrator account',
  'second-admin-account': 'second administrator account',
  'plain-http-listener': 'plain-HTTP listener',
  'token-expiry-observable': 'token expiry',
};
