/** Documented statements deliberately not encoded as rules, with the reason (README.md lists the same). */
export const NOT_TESTED: readonly { statement: string; reason: string }[] = [
  {
    statement:
      'generateRequest: "The generated private key is stored in the certificate-record configuration element."',
    reason:
      'The REST API never exports the private key, so storage is observed only indirectly: the answer carries no private key (SBC-GEN-013), the key is kept without reGenerate (SBC-GEN-019) and replaced with it (SBC-GEN-015), refused requests keep it (SBC-GEN-017, SBC-IMP-006), and the signed certificate imports into the record (SBC-IMP-001).',
  },
  {
    statement: 'generateRequest: a reGenerate value other than true or false (formerly SBC-GEN-016, 400)',
    reason:
      'The documents say only "Flag to indicate whether to regenerate CSR or not": a device that reads an unknown value as false conforms (mock variant lenient-regenerate). SBC-GEN-017 still checks that nothing changes when such a value is refused.',
  },
  {
    statement:
      'generateRequest: the 404 body says "Certificate specified with recordName key attribute is not found" (formerly SBC-GEN-005)',
    reason:
      'The page gives that sentence as the description of the 404 response, as it describes 400, 401 and 403; only the 423 texts are documented as "the error message is". SBC-GEN-004 checks the status (mock variant input-first answers another text).',
  },
  {
    statement:
      'generateRequest without reGenerate (or false) on a record that already has a CSR: the CSR again, or a refusal',
    reason:
      'Undocumented ("probably returns the existing CSR or fails"): both are accepted (mock variant csr-once refuses). SBC-GEN-019 checks that a CSR it does answer carries the stored key; where the device refuses, the key checks of SBC-GEN-017 and SBC-IMP-006 are not observable.',
  },
  {
    statement:
      'generateRequest: "If one or more attributes or sub-elements in the request is syntactically invalid in any way, this request fails"',
    reason:
      'generateRequest has no body; its refusals (missing recordName SBC-GEN-003, missing lock SBC-GEN-001) are covered, and SBC-GEN-017 checks that a refused request leaves the attributes and the key as they were.',
  },
  {
    statement:
      'Atomicity of a refused configuration write (PUT configElements with an invalid attribute on a record that has a key)',
    reason:
      'PUT configElements and its validation answers are known only from public clients [C], not from a pinned Oracle page; the refused generateRequest (SBC-GEN-017) and the refused import (SBC-IMP-006) are tested instead.',
  },
  {
    statement:
      "Import refuses a well-formed certificate for another key than the record's (formerly SBC-IMP-003, 4xx)",
    reason:
      'The documents promise a refusal only for "syntactically invalid" input; a device may store any well-formed certificate, as for a trusted-CA record (mock variant lenient-import). SBC-IMP-006 still checks that the key stays when it is refused.',
  },
  {
    statement: 'After a refused import, the previously imported certificate is still in the record',
    reason:
      'No documented call shows the imported certificate (GET configuration/certificates fields are not captured [?]); SBC-IMP-006 checks the key the certificate belongs to instead.',
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
      'Values and defaults are unverified [?] in the pinned notes, so the suite sends none of them and the scratch record has the device defaults; SBC-GEN-010 follows the stored key-algor (RSA with the documented key sizes, or EC: mock variant ecdsa-default).',
  },
  {
    statement:
      'certificate-record constraints: secure-certificate-mode forbids an IP common-name; encipherOnly/decipherOnly need keyAgreement; 4096-bit keys only on capable hardware',
    reason: 'Release- and hardware-dependent; not part of the generateRequest contract.',
  },
  {
    statement:
      'The envelope of every kind of refusal (the 400s, 403s, 405, 415 and the 423s of operations other than unlock)',
    reason:
      "Every error body is the same server-wide envelope; it is judged on the refusals the suite can provoke without changes (401, 404 and 406: SBC-TRN-004) and on the 423 of an unlock (SBC-LOCK-003). The other refusal rules judge the status and the documented message, not the body's form, so a device whose error bodies are not envelopes fails those two rules, not every refusal rule.",
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
