import { check } from '../../../src/core/check.ts';
import { kfRule } from '../context.ts';
import { renewedStoreCertificate } from './flows.ts';

export const renewDoesNotDeploy = kfRule({
  id: 'KF-REN-015',
  title: "Renew does not put the new certificate into the old certificate's stores",
  level: 'MUST',
  cite: {
    source: 'kf-doc-renew',
    section: 'POST Enrollment Renew',
    quote:
      'For certificates in a certificates store, this method does not automatically deploy the new certificate to the certificate store.',
  },
  destructive: true,
  requires: ['store-certificate', 'renewable-certificate'],
  faults: ['renew-auto-deploys'],
  async check(t) {
    // Read right after Renew answered, before any Replace or Deploy of the run could place it.
    const { newId, newStoresAfterRenew } = await renewedStoreCertificate(t);
    check(
      newStoresAfterRenew.length === 0,
      `new certificate ${newId}: expected no store locations right after Renew, got ${newStoresAfterRenew.map((l) => l.storeId).join(', ')}`,
    );
  },
});
