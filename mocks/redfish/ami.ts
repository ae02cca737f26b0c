/**
 * What an AMI MegaRAC BMC does beyond the DMTF schemas, as its documents (the seed) say: the Oem.Ami objects,
 * the Messages of a synchronous Rekey, and lighttpd's limits on the HTTPS certificate it installs.
 */
import { randomBytes } from 'node:crypto';
import type { PemBlock } from '../../src/pki/pem.ts';
import type { x509 } from '../../src/pki/x509.ts';
import { ref } from './answers.ts';
import type { Fault } from './faults.ts';
import { publicKeyOfSpki } from '../../src/pki/keys.ts';

type Has = (f: Fault) => boolean;

const LIGHTTPD_MAX_BYTES = 10240;

/** The boot certificate's owner when the mock starts. */
export const AMI_BOOT_OWNER_GUID = '77fa9abd-0359-4d32-bd60-28f4e78f784b';

/** A rekeyed boot certificate gets a new owner. */
export function rekeyedOwnerGuid(has: Has): string {
  return has('ami-owner-guid-out-of-range')
    ? '11111111-2222-3333-4444-555555555555'
    : `00000000-0000-0000-0000-${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** A boot certificate's Oem member. */
export function certificateOem(has: Has, ownerGuid: string): Record<string, unknown> {
  return {
    Ami: {
      ...(has('oem-without-odata-type') ? {} : { '@odata.type': '#AMICertificate.v1_0_0.AMICertificate' }),
      OwnerGuid: ownerGuid,
    },
  };
}

/** The LDAP certificate collection's Oem member: the link to the LDAP client certificates. */
export function ldapCollectionOem(clientCertificates: string): Record<string, unknown> {
  return {
    Ami: {
      '@odata.type': '#AMICertificateCollection.v1_0_0.AMICertificateCollection',
      ClientCertificates: ref(clientCertificates),
    },
  };
}

/**
 * The seed: "After successful post call, the new Task will be created ... The Messages property will contain
 * the Task information."
 */
export function rekeyMessages(has: Has, prefix: string, taskId: string | undefined): unknown[] {
  if (taskId !== undefined && !has('ami-messages-without-task'))
    return [
      {
        MessageId: 'TaskEvent.1.0.3.TaskStarted',
        Message: `The task with Id '${taskId}' has started.`,
        MessageArgs: [taskId],
        Severity: 'OK',
      },
    ];
  return [{ MessageId: `${prefix}.Success`, Message: 'The request completed successfully.', Severity: 'OK' }];
}

/** Lighttpd limits on the HTTPS certificate (seed): sizes, key length, no encrypted key, not expired. */
export function lighttpdAccepts(
  has: Has,
  certBlock: PemBlock,
  keyBlock: PemBlock | undefined,
  encrypted: boolean,
  leaf: x509.X509Certificate,
): boolean {
  if (certBlock.text.length > LIGHTTPD_MAX_BYTES && !has('https-accepts-oversize-certificate')) return false;
  if (keyBlock && keyBlock.text.length > LIGHTTPD_MAX_BYTES && !has('https-accepts-oversize-key'))
    return false;
  if (encrypted && !has('https-accepts-encrypted-key')) return false;
  const leafKey = publicKeyOfSpki(Buffer.from(leaf.publicKey.rawData));
  const bits = leafKey.asymmetricKeyDetails?.modulusLength ?? 0;
  // Not documented, but seen on AMI BMCs: the HTTPS certificate takes RSA keys only.
  if (leafKey.asymmetricKeyType !== 'rsa') return false;
  if (leafKey.asymmetricKeyType === 'rsa' && bits < 2048 && !has('https-accepts-short-key')) return false;
  if (leaf.notAfter.getTime() < Date.now() && !has('https-accepts-expired-certificate')) return false;
  return true;
}
