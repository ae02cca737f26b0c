import type { FaultSpec } from '../../src/core/api.ts';
import type { Variant } from './variants.ts';

/**
 * Named deviations from documented behaviour, each narrow enough to break only the rule(s) tied to it.
 * Faults that break the Rekey answer itself apply to the LDAP certificate only, so the CSR rules still see
 * the other certificates' CSRs; faults about ActionInfo or tasks use a variant that has them.
 */
export const FAULTS = {
  // Discovery and advertisement
  'rekey-action-without-target': {
    description: 'the LDAP certificate advertises #Certificate.Rekey without a target',
  },
  'rekey-target-nonstandard': {
    description: 'the LDAP certificate Rekey target is <cert>/Actions/Rekey (still served)',
  },
  'rekey-action-extra-member': {
    description: 'the Rekey action object carries a non-annotation member "Parameters"',
  },
  'certificate-schema-invalid': {
    description: 'certificate KeyUsage holds a value outside the schema enum ("ServerAuth")',
  },
  'certificate-version-too-old': {
    description:
      'the LDAP certificate claims #Certificate.v1_0_0 (before Rekey was added) yet advertises Rekey',
  },
  'certificate-id-mismatch': {
    description: 'the HTTPS certificate Id differs from the last segment of its URI',
  },
  'certificate-string-leaks-key': {
    description: 'the HTTPS certificate CertificateString also holds its PRIVATE KEY',
  },
  'oem-without-odata-type': { description: 'Oem.Ami on Boot certificates lacks @odata.type' },
  'action-info-wrong-datatype': {
    description: 'RekeyActionInfo declares KeyBitLength as DataType String',
    variant: 'dmtf-sync',
  },
  'certificate-uri-nonstandard': {
    description: 'account certificates live under Accounts/{id}/Keys/{id}',
    variant: 'dmtf-sync',
  },
  'service-resource-schema-invalid': { description: 'TaskService.ServiceEnabled is the string "yes"' },
  'location-certificate-date-invalid': {
    description:
      'the device identity certificate (listed only in CertificateLocations, no Rekey) has ValidNotAfter in OpenSSL\'s format ("Jan 1 00:00:00 2035 GMT"), not RFC 3339',
  },
  // An advertised action that is not served: one finding (its owner), every other rule not evaluated
  'rekey-not-served': {
    description:
      'every POST to a Rekey action URI is answered 405 (Allow: GET, HEAD) before authentication, as a firmware without the handler or a proxy that lets no POST through',
  },
  'rekey-not-found': {
    description: 'every POST to a Rekey action URI is answered 404 ResourceNotFound before authentication',
  },
  'rekey-not-implemented': {
    description: 'every POST to a Rekey action URI is answered 501 ActionNotSupported before authentication',
  },
  'replace-certificate-not-served': {
    description:
      'POST to the advertised CertificateService.ReplaceCertificate is answered 405 (Allow: GET, HEAD)',
  },
  // Request handling
  'empty-body-rejected': { description: 'an empty JSON object is refused with EmptyJSON' },
  'keybitlength-type-unchecked': {
    description: 'KeyBitLength "2048" (string), 2048.5 and true are coerced and accepted',
  },
  'challenge-password-type-unchecked': { description: 'a non-string ChallengePassword is accepted' },
  'challenge-password-echoed': {
    description:
      'a non-string ChallengePassword is refused with ActionParameterValueTypeError, whose MessageArgs repeat the value',
  },
  'unknown-parameter-ignored': { description: 'unknown Rekey parameters are ignored and the Rekey succeeds' },
  'message-args-swapped': {
    description: 'ActionParameterUnknown MessageArgs are [parameter, action] instead of [action, parameter]',
  },
  'malformed-json-500': { description: 'malformed JSON answers 500 InternalError' },
  'charset-content-type-rejected': {
    description: 'Content-Type application/json;charset=utf-8 is refused with 415',
  },
  'action-uri-accepts-patch': { description: 'PATCH on the Rekey action URI answers 204' },
  'method-not-allowed-without-allow': { description: '405 on the action URI comes without an Allow header' },
  'unknown-certificate-500': { description: 'Rekey on a certificate that does not exist answers 500' },
  'odata-version-ignored': { description: 'OData-Version: 5.0 is accepted' },
  'rejected-request-reissues-certificate': {
    description: 'a rejected Rekey still re-issues the certificate (new serial number)',
  },
  'error-body-extra-member': { description: 'error bodies carry error.details, which redfish-error forbids' },
  'openssl-algorithm-name-accepted': {
    description: 'KeyPairAlgorithm "RSA" (OpenSSL name) is accepted',
    variant: 'dmtf-sync',
  },
  'action-info-range-not-enforced': {
    description: 'KeyBitLength outside the ActionInfo range is accepted',
    variant: 'dmtf-sync',
  },
  'action-info-max-rejected': {
    description: 'KeyBitLength equal to the ActionInfo MaximumValue is refused',
    variant: 'dmtf-sync',
  },
  // Authentication and authorization
  'rekey-without-auth': { description: 'Rekey without credentials is accepted' },
  'no-www-authenticate': {
    description: '401 answers lack WWW-Authenticate although Basic auth is supported',
  },
  'wrong-password-accepted': { description: 'Basic auth with a wrong password is accepted for Rekey' },
  'readonly-can-rekey': { description: 'a ReadOnly account may Rekey' },
  'operator-can-rekey-manager-certs': {
    description: 'an Operator may Rekey HTTPS, LDAP and account certificates',
  },
  'operator-refused-on-boot': {
    description: 'an Operator is refused Rekey on Boot certificates (ConfigureComponents ignored)',
  },
  'session-survives-logout': {
    description: 'a deleted session token is still accepted',
    variant: 'session-only',
  },
  // Synchronous response
  'rekey-returns-201': { description: 'Rekey on the LDAP certificate answers 201 instead of 200' },
  'rekey-refused': {
    description:
      'a valid Rekey of the LDAP certificate (its parameters pass validation) is refused with 400 GeneralError, as a firmware whose key generation fails for it: one finding (RF-RESP-001), every rule that needed that CSR not evaluated',
  },
  'rekey-response-extra-property': {
    description: 'RekeyResponse carries an undefined property "KeyBitLength"',
    variant: 'dmtf-sync',
  },
  'rekey-response-wrong-link': {
    description: 'RekeyResponse.Certificate points to the certificate collection',
  },
  'rekey-response-no-odata-version': { description: 'the Rekey response lacks the OData-Version header' },
  // CSR
  'csr-bad-signature': { description: 'the CSR signature does not verify' },
  'csr-includes-private-key': { description: 'CSRString also holds the new PRIVATE KEY' },
  'rekey-reuses-current-key': {
    description: 'the HTTPS certificate CSR carries the current certificate key (a Renew)',
  },
  'rekey-repeats-pending-key': { description: 'a second Rekey returns the key of the previous Rekey' },
  'csr-ignores-keybitlength': { description: 'KeyBitLength is ignored: every CSR key is 2048 bits' },
  'csr-subject-differs': { description: 'the CSR subject is not the certificate subject' },
  'ec-curve-ignored': {
    description: 'KeyCurveId is ignored: every ECDSA CSR key is on P-384',
    variant: 'dmtf-ecdsa',
  },
  'csr-drops-challenge-password': { description: 'the ChallengePassword is not put into the CSR' },
  'csr-adds-challenge-password': {
    description: 'a challengePassword attribute is added although none was sent',
  },
  'rekey-replaces-immediately': {
    description: 'Rekey of the HTTPS certificate installs a new certificate at once',
  },
  'task-payload-echoes-password': {
    description: 'the Task Payload.JsonBody repeats the ChallengePassword',
    variant: 'dmtf-async',
  },
  // Asynchronous operation and tasks
  'async-no-location': {
    description: '202 without Location header (TaskMonitor only in the body)',
    variant: 'dmtf-async',
  },
  'async-body-not-task': {
    description: '202 with an empty JSON object instead of a Task',
    variant: 'dmtf-async',
  },
  'monitor-200-while-running': {
    description: 'the task monitor answers 200 with the Task while it is still running',
    variant: 'dmtf-async',
  },
  'monitor-final-204': {
    description: 'for the LDAP certificate the monitor answers 204 then 404 instead of 200 + RekeyResponse',
    variant: 'dmtf-async',
  },
  'monitor-without-auth': {
    description: 'the task monitor answers without credentials',
    variant: 'dmtf-async',
  },
  'task-get-202': { description: 'GET on the Task resource answers 202', variant: 'dmtf-async' },
  'task-endtime-while-running': {
    description: 'EndTime is set while the task is running',
    variant: 'dmtf-async',
  },
  'task-status-while-running': {
    description: 'TaskStatus is set while the task is running',
    variant: 'dmtf-async',
  },
  'task-not-listed': {
    description: 'Rekey tasks are not listed in TaskService/Tasks',
    variant: 'dmtf-async',
  },
  'task-state-not-updated': {
    description: "the LDAP certificate's Rekey Task stays Running after the monitor has returned the result",
    variant: 'dmtf-async',
  },
  'concurrent-rekey-500': {
    description: 'a Rekey overlapping another Rekey of the same certificate answers 500 with no body',
  },
  // AMI vendor
  'ami-default-1024': { description: 'KeyBitLength defaults to 1024 instead of 2048' },
  'ami-minimum-1024': { description: 'KeyBitLength 512 is refused on non-HTTPS certificates' },
  'ami-accepts-511': { description: 'KeyBitLength 511 is accepted' },
  'ami-accepts-4096': { description: 'KeyBitLength 4096 is accepted' },
  'ami-https-accepts-512': {
    description: 'the HTTPS certificate accepts KeyBitLength 512 (below Lighttpd 2048)',
  },
  'ami-owner-guid-out-of-range': {
    description: 'Boot certificate Oem.Ami.OwnerGuid is outside 00000000-0000-0000-0000-XXXXXXXXXXXX',
  },
  'ami-ldap-client-other-oem': {
    description:
      'the OEM LDAP client certificates live under LDAP/Certificates/Oem/Megarac/ClientCertificates, not the documented Oem/Ami',
  },
  'ami-task-status-early': {
    description: 'the Task created after a 200 Rekey has TaskStatus while it is still running',
  },
  'ami-task-monitor-204': {
    description:
      'the TaskMonitor of the Task created after a 200 Rekey answers 204 and then 404 instead of 200 + RekeyResponse',
  },
  'ami-no-task-created': { description: 'no Task is created after Rekey of the LDAP certificate' },
  'ami-messages-without-task': { description: 'the Messages array does not mention the created Task' },
  'ami-certificate-without-rekey': {
    description:
      'the LDAP certificate collection holds a second certificate that does not advertise #Certificate.Rekey',
  },
  'https-accepts-oversize-certificate': {
    description: 'an HTTPS certificate above 10240 bytes is installed',
  },
  'https-accepts-oversize-key': { description: 'an HTTPS private key above 10240 bytes is installed' },
  'https-accepts-short-key': { description: 'an HTTPS key below 2048 bits is installed' },
  'https-accepts-encrypted-key': { description: 'an encrypted HTTPS private key is accepted' },
  'https-accepts-expired-certificate': { description: 'an expired HTTPS certificate is installed' },
  // End to end
  'replace-rejects-pending-key': {
    description: 'ReplaceCertificate refuses a certificate for the pending Rekey key',
  },
  'replace-no-location': { description: 'ReplaceCertificate answers without Location' },
  'https-port-keeps-old-certificate': {
    description: 'after ReplaceCertificate the HTTPS port keeps presenting the old certificate',
  },
  'replace-refusal-blames-type': {
    description:
      'ReplaceCertificate refusals of a bad CertificateString say CertificateType "PEM" is not an acceptable value',
  },
  'replace-accepts-foreign-key': {
    description: 'ReplaceCertificate installs a certificate whose key the service does not hold',
  },
} as const satisfies Record<string, FaultSpec<Variant>>;

export type Fault = keyof typeof FAULTS;
