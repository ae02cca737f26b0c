import { check, notApplicable, show } from '../../../src/core/check.ts';
import {
  field,
  isSerialOf,
  isThumbprintOf,
  kfRule,
  param,
  sameName,
  sameSerial,
  thumbprintsOf,
} from '../context.ts';
import { renewedById } from './flows.ts';

const RESPONSE_TABLE = 'Table 343: POST Enrollment Renew Response Data';

export const renewedKeepsSubject = kfRule({
  id: 'KF-CERT-001',
  title: 'The renewed certificate carries the subject of the certificate it renews',
  // Implied by "renewal", not stated: the CA's template may build the subject itself (e.g. from AD).
  level: 'SHOULD',
  cite: {
    source: 'kf-doc-renew',
    section: 'POST Enrollment Renew',
    quote: 'is used to enroll for a certificate renewal for a certificate that exists in Keyfactor Command',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-changes-subject'],
  async check(t) {
    const { old, renewed, newId } = await renewedById(t);
    check(
      sameName(renewed.cert.subject, old.cert.subject),
      `certificate ${newId} subject: expected ${show(old.cert.subject)} (the old certificate's), got ${show(renewed.cert.subject)}`,
    );
  },
});

export const renewedHasNewSerial = kfRule({
  id: 'KF-CERT-002',
  title: "The renewed certificate has a serial number of its own, not the old certificate's",
  level: 'MUST',
  cite: {
    source: 'rfc5280',
    section: '4.1.2.2 Serial Number',
    quote: 'It MUST be unique for each certificate issued by a given CA',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-reuses-serial'],
  async check(t) {
    const { old, renewed, newId } = await renewedById(t);
    // Serial numbers are unique per CA only: across two issuers there is nothing to compare (not a pass).
    if (!sameName(renewed.cert.issuer, old.cert.issuer))
      notApplicable(
        `certificate ${newId} was issued by ${show(renewed.cert.issuer)}, the certificate it renews by ${show(old.cert.issuer)}: serial numbers are unique per CA only, so the two cannot be compared`,
      );
    check(
      !sameSerial(renewed.cert.serialNumber, old.cert.serialNumber),
      `certificate ${newId} serial number: expected a new one, got the old certificate's ${old.cert.serialNumber}`,
    );
  },
});

export const renewSerialMatches = kfRule({
  id: 'KF-CERT-003',
  title: 'Renew answers the serial number of the new certificate as SerialNumber',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: RESPONSE_TABLE,
    quote: 'SerialNumber | Serial number of the certificate.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-serial-mismatch'],
  async check(t) {
    const { body, renewed } = await renewedById(t);
    const serial = field(body, 'SerialNumber')?.value;
    check(
      typeof serial === 'string' && isSerialOf(serial, renewed.cert.serialNumber),
      `SerialNumber: expected the new certificate's serial ${renewed.cert.serialNumber.toUpperCase()} (hex, or its decimal value), got ${show(serial)}`,
    );
  },
});

export const renewedChainsToCa = kfRule({
  id: 'KF-CERT-004',
  title: 'The renewed certificate is issued and signed by the CA named in CertificateAuthority',
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: 'Table 342: POST Enrollment Renew Input Parameters: CertificateAuthority',
    quote: 'A string that sets the name of the certificate authority',
  },
  destructive: true,
  requires: ['renewable-certificate', 'ca-certificate'],
  faults: ['renew-wrong-ca'],
  async check(t) {
    const ca = t.ctx.caCert ?? notApplicable('params.caCertFile is not set');
    const { renewed, newId } = await renewedById(t);
    check(
      sameName(renewed.cert.issuer, ca.subject),
      `certificate ${newId} issuer: expected ${show(ca.subject)} (${param(t, 'certificateAuthority')}), got ${show(renewed.cert.issuer)}`,
    );
    let valid = false;
    try {
      valid = await renewed.cert.verify({ publicKey: ca.publicKey, signatureOnly: true });
    } catch {
      valid = false;
    }
    check(
      valid,
      `certificate ${newId}: its signature does not verify with the public key of ${show(ca.subject)}`,
    );
  },
});

export const renewThumbprintIsSha1 = kfRule({
  id: 'KF-CERT-005',
  title: "Renew answers a digest (SHA-1 or SHA-256) of the new certificate's DER as Thumbprint",
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: RESPONSE_TABLE,
    quote: 'Thumbprint | Thumbprint of the certificate.',
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-thumbprint-of-old'],
  async check(t) {
    const { body, renewed } = await renewedById(t);
    const tp = field(body, 'Thumbprint')?.value;
    check(
      isThumbprintOf(tp, renewed.der),
      `Thumbprint: expected ${thumbprintsOf(renewed.der).join(' or ')} (SHA-1 or SHA-256 of the certificate's DER), got ${show(tp)}`,
    );
  },
});

export const renewIssuerDnMatches = kfRule({
  id: 'KF-CERT-006',
  title: "Renew answers the new certificate's issuer as IssuerDN (or null, which the OpenAPI allows)",
  level: 'MUST',
  cite: { source: 'kf-doc-renew', section: RESPONSE_TABLE, quote: 'IssuerDN | Issuer DN' },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-issuer-dn-subject'],
  async check(t) {
    const { body, renewed } = await renewedById(t);
    const dn = field(body, 'IssuerDN')?.value;
    // Models.Enrollment.RenewalResponse marks IssuerDN nullable: null says nothing, a value must be the issuer.
    if (dn === null)
      notApplicable('Renew answered IssuerDN null (nullable in the OpenAPI): no issuer to compare');
    check(
      typeof dn === 'string' && sameName(dn, renewed.cert.issuer),
      `IssuerDN: expected ${show(renewed.cert.issuer)} (the certificate's issuer), got ${show(dn)}`,
    );
  },
});
