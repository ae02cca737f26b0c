import type { FaultSpec } from '../../src/core/api.ts';
import type { Variant } from './variants.ts';

/** Named deviations from the documented behaviour, each tied to the rule(s) it breaks. */
export const FAULTS = {
  // transport
  'plain-http-served': { description: 'the plain-HTTP port serves the API (200) instead of 426' },
  'upgrade-message-missing': { description: 'the 426 answer lacks "Client must connect with HTTPS"' },
  'content-type-not-xml': { description: 'successful XML bodies are labelled text/plain' },
  'error-body-not-envelope': { description: 'error bodies are plain text instead of a <response> envelope' },
  'accept-ignored': {
    description: 'a request that accepts only application/json is answered with XML (200)',
  },
  'content-type-ignored': {
    description: 'a JSON request body is parsed as XML instead of being refused with 415',
  },
  'wrong-verb-404': { description: 'a known resource with an unsupported verb answers 404 instead of 405' },
  // version discovery
  'versions-latest-missing': { description: 'supportedversions has no latestVersion element' },
  'versions-omit-v1.2': { description: 'supportedversions does not list v1.2' },
  'versioned-discovery-served': { description: '/rest/v1.2/api/supportedversions is served instead of 404' },
  'unknown-version-served': { description: 'an unsupported version segment (v9.9) is served like v1.2' },
  // authentication
  'token-status-201': { description: 'POST auth/token answers 201 instead of 200' },
  'token-answer-json': {
    description: 'POST auth/token answers application/json {"accessToken": …} instead of the XML envelope',
  },
  'bad-password-accepted': { description: 'a token is issued for a wrong password' },
  'missing-bearer-accepted': { description: 'requests without Authorization are served' },
  'unknown-token-accepted': { description: 'an unknown Bearer token is accepted' },
  'expired-token-accepted': { description: 'tokens never expire', variant: 'short-token' },
  'unauthorized-message-missing': { description: '401 answers lack "Client not authorized"' },
  'non-admin-may-lock': { description: 'a non-administrator may take the configuration lock' },
  'non-admin-may-generate': {
    description: "generateRequest lets a non-administrator generate a CSR (under the administrator's lock)",
  },
  // configuration lock
  'lock-answers-200': { description: 'POST configuration/lock answers 200 with a body instead of 204' },
  'unlock-answers-200': { description: 'POST configuration/unlock answers 200 with a body instead of 204' },
  'unlock-free-lock-accepted': {
    description: 'unlock when nobody holds the lock answers 204 instead of 423',
  },
  'lock-takeover': { description: 'a second administrator taking the lock steals it (204) instead of 423' },
  'unlock-by-other-user': { description: "another administrator may release somebody else's lock" },
  'lock-bound-to-user': {
    description: 'the lock belongs to the user, not to the token: a second token of the owner may use it',
  },
  'lock-messages-swapped': { description: 'the two documented 423 messages are swapped' },
  'lock-not-served': { description: 'POST configuration/lock is not served: 405 Method Not Allowed' },
  // generateRequest
  'generate-without-lock': { description: 'generateRequest succeeds when nobody holds the lock' },
  'generate-ignores-lock-owner': {
    description: 'generateRequest succeeds while another user holds the lock',
  },
  'generate-not-served': {
    description:
      'generateRequest is not served: every request to it answers 404 with a web server page, not the SBC envelope (no route)',
  },
  'missing-record-name-404': { description: 'generateRequest without recordName answers 404 instead of 400' },
  'missing-record-name-500': {
    description: 'generateRequest without recordName answers 500 (every time) instead of 400',
  },
  'csr-answer-bare': {
    description: 'the generateRequest 200 answer has no <messages/> and <links/> in its <response> envelope',
  },
  'unknown-record-500': { description: 'generateRequest for an unknown record answers 500 instead of 404' },
  'csr-record-name-wrong': {
    description: 'CertificateRequest/recordName differs from the recordName queried',
  },
  'csr-bad-signature': { description: 'the CSR signature does not verify' },
  'csr-lines-shuffled': {
    description:
      'the CSR base64 lines are out of order (like the seed example), for the scratch records of the CSR-content, reGenerate and signed-import rules (params.recordName, -regen, -import)',
  },
  'csr-includes-private-key': { description: 'the private key PEM is returned after the CSR' },
  'csr-subject-ignores-locality': {
    description: "the CSR subject carries the default locality, not the record's",
  },
  'csr-drops-ip-san': { description: 'IP entries of alternate-name are missing from the CSR SAN' },
  'csr-key-size-ignored': { description: "the key is always RSA 2048 whatever the record's key-size" },
  'csr-key-usage-ignored': { description: 'the CSR key usage is always digitalSignature+keyEncipherment' },
  'csr-eku-ignored': { description: 'the CSR extended key usage is always serverAuth' },
  'regenerate-refused': { description: 'reGenerate=true on a record with a key answers 400' },
  'regenerate-reuses-key': { description: 'reGenerate=true signs a new CSR with the old key' },
  'refused-generate-modifies-record': {
    description: "a refused generateRequest (400) still rewrites the record's key-size",
  },
  'refused-regenerate-rekeys': {
    description: 'generateRequest?reGenerate=true refused for a missing lock (423) still replaces the key',
  },
  'csr-fetch-regenerates': {
    description: 'generateRequest without reGenerate (or =false) on a record with a key makes a new key',
  },
  // configuration elements
  'record-ignores-trusted': {
    description: 'certificate-record creation stores trusted=enabled whatever was sent',
  },
  'configelements-without-lock': { description: 'POST configElements succeeds without the lock' },
  'record-delete-answers-200': {
    description: 'DELETE configElements answers 200 with a body instead of 204',
  },
  'template-missing-key-size': { description: 'the certificate-record template omits key-size' },
  'record-key-algor-uppercase': {
    description:
      'the template and every certificate-record answer key-algor in upper case ("RSA"), not a documented value',
  },
  // import
  'import-echo-missing': { description: 'a successful import does not return the record name' },
  'import-without-lock': { description: 'import succeeds without the lock' },
  'import-unknown-record-400': {
    description: 'import for a certificate-record that does not exist answers 400 instead of 404',
  },
  'import-malformed-accepted': { description: 'a malformed certificate is accepted (200)' },
  'refused-import-drops-key': {
    description: "a refused import (400) deletes the record's key (and its certificate)",
  },
  // save / verify / activate
  'save-without-poll-link': { description: 'save answers 202 without a link to poll' },
  'verify-reports-wrong-operation': { description: 'the verify task reports operation "save"' },
  'activate-reports-failure': { description: 'the activate task ends with status "failure"' },
  'management-without-lock': { description: 'save is accepted without the lock' },
} as const satisfies Record<string, FaultSpec<Variant>>;

export type Fault = keyof typeof FAULTS;
