/** Seed and spec statements that are deliberately not rules, with the reason (shown in the catalog and README). */
export const NOT_TESTED: readonly { statement: string; reason: string }[] = [
  {
    statement: 'format: "crmf" (CertificateRequestFormat) for issue, renew and rekey',
    reason:
      'the suite cannot build CRMF requests with its PKI library; only pkcs10 is exercised (an unknown format value is, CZ-ISS-011)',
  },
  {
    statement: 'replaceInLocations: "True to replace renewed certificate in the associated locations"',
    reason:
      'needs a location (entity + connector) to push to; the suite sends false and does not configure locations',
  },
  {
    statement: 'customAttributes: "List of Custom Attributes"',
    reason:
      'custom attributes are platform configuration; their content cannot be known in advance for a real instance',
  },
  {
    statement: 'altSignatureAttributes: "List of attributes to sign the alternative private key"',
    reason:
      'hybrid signing attributes depend on the token provider; the hybrid rules cover altKeyUuid/altTokenProfileUuid only',
  },
  {
    statement:
      'rekey and revoke of an archived certificate ("Cannot perform operation … on archived certificate")',
    reason: 'the same pre-check as renew, which CZ-STA-006 tests; archiving more certificates adds nothing',
  },
  {
    statement:
      'rekey and revoke through an RA profile other than the certificate’s ("RA profile is different than RA profile of request")',
    reason:
      'the same pre-check as renew, which CZ-REN-007 tests; an enabled second RA profile is not required by the profile',
  },
  {
    statement: '502 "Connector Error" and 503 "Connector Communication Error" ({message} bodies)',
    reason: 'cannot be provoked on a healthy instance without breaking its CA connector',
  },
  {
    statement: '409 {message} ("Certificate already exists with fingerprint …") on legacy issue',
    reason: 'only reachable when the CA returns a byte-identical certificate, which a real CA does not do',
  },
  {
    statement: 'pending_approval → approved/rejected by an approver',
    reason:
      'approving needs a second user and the approval API; the approval variant of the mock approves by itself',
  },
  {
    statement: 'Compliance check rejecting a non-compliant CSR (state rejected)',
    reason: 'depends on compliance profiles configured on the platform',
  },
  {
    statement: 'Session authentication (czertainly-session cookie)',
    reason:
      'supported by the harness (auth.scheme session with the cookie value as token) but not modelled by the mock',
  },
  {
    statement:
      'Key-based issue with an explicit signatureAttributes scheme and hybrid CSRs uploaded in `request`',
    reason: 'CSRs with an alternative key cannot be built with the suite’s PKI library',
  },
  {
    statement:
      '422 {"message": "Validation error: …"} for bean-validation failures of the legacy end-entity DTOs',
    reason:
      'the implementation answers these with an object, not the documented list; not pinned down by the spec',
  },
  {
    statement:
      'RequestAttribute content types (AttributeContentType enum) and their validation by the connector',
    reason:
      'attribute definitions are specific to the RA profile and connector; the suite validates only the profile’s own attributes (CZ-ATT-003/004)',
  },
  {
    statement:
      'Attribute definition details of listIssue/listRevoke (properties, constraints, attributeCallback)',
    reason:
      'their content is connector specific; CZ-ATT-001/002 check the array and each definition’s uuid, name and type',
  },
  {
    statement:
      'Optional end entity fields (email, extensionData, subjectAltName) and status transitions other than NEW/GENERATED',
    reason: 'they depend on the EJBCA end entity profile behind the legacy RA profile',
  },
  {
    statement: 'CertificateAuth: "Base64 encoded X.509 certificate passed in header" ssl-client-cert',
    reason:
      'the header is set by the TLS-terminating ingress; the harness presents the client certificate in TLS (auth.scheme client-cert)',
  },
  {
    statement:
      'signatureAttributes / rekey "If not provided, existing attributes will be used to generate the new CSR"',
    reason:
      'the signature scheme chosen is not visible in the API; key-based rekey (CZ-RKY-004) runs without them unless the profile gives some',
  },
  {
    statement:
      'Order of certificate states (requested → pending_approval → pending_issue → issued; issued → pending_revoke → revoked)',
    reason:
      'the documents enumerate CertificateState but give no transitions; the order is the implementation’s. CZ-DTO-002 checks only that every reported state is documented',
  },
  {
    statement: 'Whether the issue answer already carries the certificate (certificateData) or only its uuid',
    reason:
      'ClientCertificateDataResponseDto requires only uuid: queued platforms answer "" or nothing, older synchronous ones the certificate. Both conform (the former VENDOR rule CZ-ISS-002, "certificateData is empty", is retired); CZ-ISS-017 checks a certificate that is there',
  },
  {
    statement:
      'Inventory search filtered by serial number (fieldIdentifier SERIAL_NUMBER) finds exactly one certificate',
    reason:
      'the SERIAL_NUMBER field identifier is not in the pinned spec, so a platform need not have it; serial uniqueness (CZ-ISS-007) is judged on the certificates themselves, and CZ-LEG-008 uses the search only where the platform has it (capability inventory-search)',
  },
  {
    statement:
      'How long a certificate may stay pending_issue, pending_approval or pending_revoke after its operation was answered',
    reason:
      'the documents set no time limit (an approval waits for a person): still pending after timeouts.operationMs is inconclusive (error), never a pass; still requested after "Certificate issued", or issued after "Certificate revoked", is a violation',
  },
  {
    statement:
      'Attribute definitions (BaseAttributeDto and its kinds) of listIssue/listRevoke against their schemas',
    reason:
      'CZ-ATT-001/002 check the array and each definition’s uuid, name and type; the CZ-DTO rules do not validate them (their content is connector specific)',
  },
  {
    statement: 'The platform’s own answer to a route it does not have ("route not found" body)',
    reason:
      'it differs by platform version (Spring’s default error, the implementation’s 500, a 404 {message}); the suite tells a route not served from a rule’s own 404 by the owner’s request to the same operation, not by the body',
  },
];
