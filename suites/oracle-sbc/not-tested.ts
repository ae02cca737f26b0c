/** Documented statements deliberately not encoded as rules, with the reason (README.md lists the same). */
export const NOT_TESTED: readonly { statement: string; reason: string }[] = [
  {
    statement:
      'generateRequest: "The generated private key is stored in the certificate-record configuration element."',
    reason:
      'The REST API never exports the private key, so storage is observed only indirectly: the answer carries no private key (SBC-GEN-013), reGenerate makes a new key (SBC-GEN-015) and the signed certificate imports against the stored key (SBC-IMP-001, SBC-IMP-003).',
  },
  {
    statement:
      'generateRequest: reGenerate is optional with default false; reGenerate=false on a record that already has a CSR',
    reason:
      'What the SBC answers then (the existing CSR, a new one, or an error) is not documented; no rule pins it.',
  },
  {
    statement:
      'generateRequest: "If one or more attributes or sub-elements in the request is syntactically invalid in any way, this request fails"',
    reason:
      'generateRequest has no body; only its query parameters can be invalid, which SBC-GEN-003, SBC-GEN-016 and SBC-GEN-017 cover.',
  },
  {
    statement:
      'Token lifetime is 10 minutes; early re-authentication sends Basic credentials plus the current token (form-encoded) to keep the lock',
    reason:
      'The exact lifetime is configurable per device (params.tokenLifetimeSeconds); the name of the body field carrying the current token is not documented in the pinned notes.',
  },
  {
    statement: 'Losing the token means waiting for it to expire before the lock can be taken again',
    reason:
      'Testing it leaves the lock held by an unreachable token on a device that fails the rule (nobody could release it until it expires); too unsafe for a lab device shared by others.',
  },
  {
    statement: 'Re-locking while already holding the lock',
    reason: 'Undocumented (one public client treats a 423 "already locked ... current session" as success).',
  },
  {
    statement: 'Certificate endpoints accept only version v1.2 (v1.0/v1.1 answer 404)',
    reason:
      'Only "Available values: v1.2" is documented, not the answer to older versions; SBC-VER-004 tests an unknown version instead.',
  },
  {
    statement:
      'Every config-modifying call (PUT and DELETE configElements, import, verify, activate) needs the lock; non-administrators get 403 on them',
    reason:
      'One representative per family is tested (POST configElements SBC-REC-003, import SBC-IMP-002, save SBC-MGT-004; 403 on lock and generateRequest, the two documented pages); the others would repeat the same check.',
  },
  {
    statement: 'Import: PKCS7 format and overwrite=true (replace an expiring certificate)',
    reason:
      'The suite imports X.509 PEM only; overwrite semantics for a record that already has a certificate are not documented in the pinned notes.',
  },
  {
    statement:
      'GET /rest/{version}/configuration/certificates ("Get certificate details") and GET configElements?running=true after activate',
    reason: 'Their query parameters and answer fields are not captured in the pinned notes [?].',
  },
  {
    statement:
      'certificate-record key-algor ecdsa, ecdsa-key-size, digest-algor, cert-status-profile-list, options',
    reason:
      'Values and defaults are unverified [?] in the pinned notes; the scratch record uses RSA with the documented key sizes.',
  },
  {
    statement:
      'certificate-record constraints: secure-certificate-mode forbids an IP common-name; encipherOnly/decipherOnly need keyAgreement; 4096-bit keys only on capable hardware',
    reason: 'Release- and hardware-dependent; not part of the generateRequest contract.',
  },
  {
    statement: 'Error <messages> item element names (reason phrase, message)',
    reason:
      'Not documented [?]; rules assert the status and the documented message text anywhere in the body.',
  },
  {
    statement:
      'Certificate endpoints are not supported on the Subscriber-Aware Load Balancer and only on virtual platforms (8.4)',
    reason: 'A platform fact, not a behaviour of the API that a client can check.',
  },
  {
    statement: 'The seed\'s example response body (CSR for "rest-server")',
    reason:
      'Its base64 lines are out of order, so it is no valid PKCS#10; a vitest (suites/oracle-sbc/csr.test.ts) shows the suite rejects it with a clear message.',
  },
];
