import { check } from '../../../src/core/check.ts';
import { kfRule } from '../context.ts';
import { renewedStoreCertificate, storeIdsOf } from './flows.ts';

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
    const { newId, oldId } = await renewedStoreCertificate(t);
    const oldStores = await storeIdsOf(t, oldId);
    check(
      oldStores.length > 0,
      `certificate ${oldId} (params.storeCertificateId) is in no certificate store; the rule needs one that is`,
    );
    const newStores = await storeIdsOf(t, newId);
    check(
      newStores.length === 0,
      `new certificate ${newId}: expected no store locations right after Renew, got ${newStores.join(', ')}`,
    );
  },
});
