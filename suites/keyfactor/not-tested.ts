/** Seed and spec statements that are deliberately not rules, with the reason (shown in the catalog and README). */
export const NOT_TESTED: readonly { statement: string; reason: string }[] = [
  {
    statement: 'The user must submit the request to a certificate authority (CA).',
    reason: 'Glossary text about enrollment in general; the CA the renewal uses is checked by KF-CERT-004.',
  },
  {
    statement:
      'Global or container-level schedule permissions for certificate stores are needed to install a certificate generated with this method into a certificate store using POST /Enrollment/PFX/Deploy or POST /Enrollment/PFX/Replace.',
    reason:
      'Needs a third account that may renew but lacks store schedule permissions, and the documents give no status for the refusal; the suite models an administrator and a collection-scoped user only.',
  },
  {
    statement: 'The certificate authority name should be provided in hostname\\\\logical name format.',
    reason:
      "A rule for the client: the suite sends the profile's CA name in that form; how Command treats other forms is not documented.",
  },
  {
    statement: 'The template short name should be used.',
    reason:
      "A rule for the client: the suite sends the profile's short name; whether display names are refused is not documented.",
  },
  {
    statement: 'KeyfactorRequestID | ID of the request in Keyfactor Command.',
    reason:
      'Checked for presence and type (KF-REN-002) only: no endpoint in the pinned subset reads a request by ID to cross-check it.',
  },
  {
    statement: 'DispositionMessage | Enrollment message (e.g. The private key was successfully retained.).',
    reason: 'Free text; only its presence is checked (KF-REN-003).',
  },
  {
    statement:
      'The date and time should be given using the ISO 8601 UTC time format YYYY-MM-DDTHH:mm:ss.000Z (e.g. 2021-05-19T16:23:01Z).',
    reason:
      'An instruction to the client ("should be given"), which the suite follows; the documents say nothing of what Command does with another format (refuse it, or parse it leniently), so refusing one is not a requirement (formerly KF-REN-009). Accepting the example form without milliseconds is KF-REN-010.',
  },
  {
    statement: 'RequestDisposition | State of the request (e.g. issued).',
    reason:
      'Checked for presence only (KF-REN-003): "issued" is an example, and the documents list no states. The profile\'s template must issue without approval, or the certificate rules have no certificate to look at (they end as errors).',
  },
  {
    statement: 'Timestamp: The current date and time.',
    reason:
      'Whether Command refuses a stale or future Timestamp is not documented; the suite always sends the current time.',
  },
  {
    statement: 'x-keyfactor-api-version: Desired version of the api, if not provided defaults to v1.',
    reason:
      'No behaviour of other versions is documented for these endpoints; the suite sends params.apiVersion (default "1").',
  },
  {
    statement: 'PFX/Replace and PFX/Deploy create management jobs that install the PFX into the stores.',
    reason:
      'The jobs run later on orchestrators/agents outside the API; the suite checks the scheduled stores the answers name (KF-DEP-002, KF-DEP-003), not the installation.',
  },
  {
    statement: 'Renew and the PFX endpoints answer application/xml and text/xml as well as JSON.',
    reason: 'The documented clients and the seed use JSON; XML representations are out of scope.',
  },
  {
    statement:
      'RenewalCertificateId should be null if the certificate is not being renewed; a value of 0 will produce an error.',
    reason:
      'About plain PFX enrollment, not renewal; a non-conforming target would enroll an unrelated certificate.',
  },
  {
    statement: 'Bearer (OAuth) authentication is accepted by newer Command versions.',
    reason:
      "Depends on the instance's identity provider; the suite authenticates with whatever the profile gives (the bearer mock variant proves it works either way).",
  },
  {
    statement:
      'Models.CertificateRetrievalResponse: Thumbprint, SerialNumber (and the SAN ValueHash, CRL UrlHash) format: byte, pattern base64.',
    reason:
      'The Renew reference and its OpenAPI example give thumbprints in hex ("<hex thumbprint>"), and a serial number in hex is rarely a whole number of base64 quanta; KF-MODEL-001 accepts hex as well as base64 there (ContentBytes must be base64).',
  },
  {
    statement:
      'POST /Enrollment/CSR, /Enrollment/CSR/Parse, /Enrollment/Settings/{id}, /Enrollment/*/Context/My.',
    reason: 'Enrollment endpoints outside the renewal flow this suite covers.',
  },
];
