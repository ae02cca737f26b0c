import { check, checkEqual, confirmServerError, notApplicable, show } from '../../../src/core/check.ts';
import { certOf, discover, KIND_LABEL, nonHttpsCert, type Json } from '../context.ts';
import { expectRedfishError } from '../expect.ts';
import { emptyBodyRekey } from '../request/handling.ts';
import { judgeSweep, rekeyBitsOf, rekeyOnce, requireCsrOf, type RekeyOutcome } from '../rekey.ts';
import { rule } from '../rule.ts';
import { servedOrOwnFinding } from '../served.ts';

const label = (o: RekeyOutcome) => `${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;
const RANGE_ERRORS = ['ActionParameterValueOutOfRange', 'ActionParameterValueNotInList'];

/** The documented URI forms of the five Rekey locations (IDs are placeholders in the seed). */
const DOCUMENTED = {
  account: /^\/redfish\/v1\/AccountService\/Accounts\/[^/]+\/Certificates\/[^/]+$/,
  https: /^\/redfish\/v1\/Managers\/[^/]+\/NetworkProtocol\/HTTPS\/Certificates\/[^/]+$/,
  boot: /^\/redfish\/v1\/Systems\/[^/]+\/Boot\/Certificates\/[^/]+$/,
  ldap: /^\/redfish\/v1\/AccountService\/LDAP\/Certificates\/[^/]+$/,
  ldapClient: /^\/redfish\/v1\/AccountService\/LDAP\/Certificates\/Oem\/Ami\/ClientCertificates\/[^/]+$/,
} as const;

export const amiRules = [
  rule({
    id: 'RF-AMI-001',
    title: 'Rekey without KeyBitLength generates a 2048-bit key',
    level: 'VENDOR',
    vendor: 'ami',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'ami-doc',
      section: 'Request — KeyBitLength note',
      quote: 'If KeyBitLength is not specific, the default value is 2048.',
    },
    faults: ['ami-default-1024', 'empty-body-rejected'],
    async check(t) {
      const o = await emptyBodyRekey(t);
      checkEqual(
        rekeyBitsOf(await requireCsrOf(t, o)),
        2048,
        `CSR from Rekey of the ${label(o)} without KeyBitLength: RSA modulus bits`,
      );
    },
  }),
  rule({
    id: 'RF-AMI-002',
    title:
      'KeyBitLength 512 (the documented minimum) is accepted on a non-HTTPS certificate and yields a 512-bit key',
    level: 'VENDOR',
    vendor: 'ami',
    destructive: true,
    requires: ['rekey', 'non-https-certificate'],
    cite: { source: 'seed', section: 'Request example', quote: '"KeyBitLength": 512,' },
    faults: ['ami-minimum-1024', 'csr-ignores-keybitlength'],
    async check(t) {
      const o = await rekeyOnce(t, await nonHttpsCert(t), { KeyBitLength: 512 });
      checkEqual(
        rekeyBitsOf(await requireCsrOf(t, o)),
        512,
        `CSR from Rekey of the ${label(o)} with KeyBitLength 512: RSA modulus bits`,
      );
    },
  }),
  rule({
    id: 'RF-AMI-003',
    title: 'KeyBitLength below 512 is refused with 400 on a non-HTTPS certificate',
    level: 'VENDOR',
    vendor: 'ami',
    requires: ['rekey', 'non-https-certificate'],
    cite: {
      source: 'ami-doc',
      section: 'Request — KeyBitLength note',
      quote: 'The minimum value of KeyBitLength is 512.',
    },
    judgesServerErrors: true,
    faults: ['ami-accepts-511'],
    async check(t) {
      const cert = await nonHttpsCert(t);
      const res = await confirmServerError(() =>
        t.ctx.http.post(cert.rekeyTarget, { json: { KeyBitLength: 511 } }),
      );
      // 404/405/501: RF-REQ-019's finding when Rekey is not served at all, else this rule's.
      await servedOrOwnFinding(t, res);
      expectRedfishError(
        t,
        res,
        [400],
        RANGE_ERRORS,
        `Rekey of the ${KIND_LABEL[cert.kind]} with KeyBitLength 511`,
      );
    },
  }),
  rule({
    id: 'RF-AMI-004',
    title: 'KeyBitLength above 2048 is refused with 400',
    level: 'VENDOR',
    vendor: 'ami',
    requires: ['rekey'],
    cite: {
      source: 'ami-doc',
      section: 'Request — KeyBitLength note',
      quote: 'The maximun value of KeyBitLength is 2048.',
    },
    judgesServerErrors: true,
    faults: ['ami-accepts-4096'],
    async check(t) {
      const d = await discover(t);
      const cert = d.byKind.ldap ?? d.byKind.account ?? d.byKind.boot ?? d.byKind.ldapClient ?? d.primary;
      if (!cert) notApplicable('no certificate advertises Rekey');
      const res = await confirmServerError(() =>
        t.ctx.http.post(cert.rekeyTarget, { json: { KeyBitLength: 4096 } }),
      );
      // 404/405/501: RF-REQ-019's finding when Rekey is not served at all, else this rule's.
      await servedOrOwnFinding(t, res);
      expectRedfishError(
        t,
        res,
        [400],
        RANGE_ERRORS,
        `Rekey of the ${KIND_LABEL[cert.kind]} with KeyBitLength 4096`,
      );
    },
  }),
  rule({
    id: 'RF-AMI-005',
    title:
      'The HTTPS certificate refuses KeyBitLength 512 (Lighttpd minimum 2048), although the seed example uses 512',
    level: 'SHOULD',
    vendor: 'ami',
    requires: ['rekey', 'https-rekey'],
    cite: {
      source: 'seed',
      section: 'HTTPS Certificate Instance (Lighttpd limits)',
      quote: 'Min server public key and private key size is 2048.',
    },
    judgesServerErrors: true,
    faults: ['ami-https-accepts-512'],
    async check(t) {
      const cert = await certOf(t, 'https');
      const res = await confirmServerError(() =>
        t.ctx.http.post(cert.rekeyTarget, {
          json: { KeyBitLength: 512, ChallengePassword: 'challengepassword' },
        }),
      );
      // 404/405/501: RF-REQ-019's finding when Rekey is not served at all, else this rule's.
      await servedOrOwnFinding(t, res);
      expectRedfishError(
        t,
        res,
        [400],
        RANGE_ERRORS,
        'Rekey of the HTTPS certificate with the seed example {"KeyBitLength": 512, ...}',
      );
    },
  }),
  rule({
    id: 'RF-AMI-006',
    title:
      'After Rekey, a Boot certificate has Oem.Ami.OwnerGuid between 00000000-0000-0000-0000-000000000000 and 00000000-0000-0000-0000-FFFFFFFFFFFF',
    level: 'VENDOR',
    vendor: 'ami',
    destructive: true,
    requires: ['rekey', 'boot-certificate'],
    cite: {
      source: 'seed',
      section: 'Request — Note (Boot Certificate Collection)',
      quote:
        'the Oem OwnerGuid property will set one default Guid value from 00000000-0000-0000-0000-000000000000 to 00000000-0000-0000-0000-FFFFFFFFFFFF',
    },
    faults: ['ami-owner-guid-out-of-range'],
    async check(t) {
      const isBoot = (o: RekeyOutcome) => o.cert.kind === 'boot';
      await judgeSweep(
        t,
        'csr',
        ([o]) => {
          if (!o) notApplicable('the Boot certificate was not rekeyed');
          const guid = o.after?.Oem?.Ami?.OwnerGuid;
          check(
            typeof guid === 'string',
            `${o.cert.uri} after Rekey has no Oem.Ami.OwnerGuid: Oem is ${show(o.after?.Oem)}`,
          );
          check(
            /^00000000-0000-0000-0000-[0-9A-Fa-f]{12}$/.test(guid),
            `${o.cert.uri} after Rekey: Oem.Ami.OwnerGuid ${show(guid)} is outside 00000000-0000-0000-0000-000000000000..00000000-0000-0000-0000-FFFFFFFFFFFF`,
          );
        },
        isBoot,
      );
    },
  }),
  rule({
    id: 'RF-AMI-007',
    title:
      'Each documented Rekey location the BMC has (account, HTTPS, Boot, LDAP, OEM LDAP client) is at its documented URI form',
    level: 'VENDOR',
    vendor: 'ami',
    requires: ['rekey'],
    parallelSafe: true,
    cite: {
      source: 'seed',
      section: 'Request',
      quote:
        'POST https://{{ip}}/redfish/v1/AccountService/LDAP/Certificates/Oem/Ami/ClientCertificates/1/Actions/Certificate.Rekey',
    },
    faults: ['ami-ldap-client-other-oem'],
    async check(t) {
      const d = await discover(t);
      // The seed lists where Rekey can be called, not that every BMC has every location: a missing one is noted.
      const kinds = Object.keys(DOCUMENTED) as Array<keyof typeof DOCUMENTED>;
      const missing = kinds.filter((k) => !d.byKind[k]);
      if (missing.length) t.note(`not present on this BMC: ${missing.map((k) => KIND_LABEL[k]).join(', ')}`);
      if (missing.length === kinds.length) notApplicable('no documented Rekey location is present');
      for (const kind of kinds) {
        const c = d.byKind[kind];
        if (!c) continue;
        check(
          DOCUMENTED[kind].test(c.uri),
          `${KIND_LABEL[kind]} ${c.uri} is not at the documented URI form ${DOCUMENTED[kind].source.replace(/\\/g, '')}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-AMI-015',
    title:
      'Every certificate at a documented Rekey location (account, HTTPS, Boot, LDAP, OEM LDAP client) advertises #Certificate.Rekey',
    level: 'VENDOR',
    vendor: 'ami',
    parallelSafe: true,
    cite: {
      source: 'seed',
      section: 'Request',
      quote:
        'POST https://{{ip}}/redfish/v1/Managers/Self/NetworkProtocol/HTTPS/Certificates/{CertificateId}/Actions/Certificate.Rekey',
    },
    faults: ['ami-certificate-without-rekey'],
    async check(t) {
      // The vendor page documents Rekey on every certificate of these collections ({CertificateId}); which
      // collections a BMC has is its own choice (RF-AMI-007). Elsewhere Rekey is optional (capability `rekey`).
      const d = await discover(t);
      if (d.certs.length === 0) notApplicable('no certificate in the documented Rekey locations');
      const without = d.certs.filter((c) => !c.action);
      check(
        without.length === 0,
        `the vendor documents Rekey for these certificates, but they do not advertise #Certificate.Rekey: ${without.map((c) => `${KIND_LABEL[c.kind]} ${c.uri}`).join('; ')}`,
      );
      t.note(`${d.certs.length} certificate(s) in the documented locations advertise Rekey`);
    },
  }),
  rule({
    id: 'RF-AMI-008',
    title: 'A successful Rekey creates a new Task in TaskService',
    level: 'VENDOR',
    vendor: 'ami',
    destructive: true,
    requires: ['rekey', 'task-service'],
    cite: {
      source: 'seed',
      section: 'Response',
      quote:
        'After successful post call, the new Task will be created and please check the certificate signing result in TaskService.',
    },
    faults: ['ami-no-task-created'],
    async check(t) {
      await judgeSweep(t, 'csr', (succeeded) => {
        for (const o of succeeded)
          check(
            o.tasks.size > 0,
            `Rekey of the ${label(o)} succeeded but no new Task appeared in TaskService`,
          );
      });
    },
  }),
  rule({
    id: 'RF-AMI-009',
    title:
      'The Rekey response names the Task that was created (200: in its Messages; 202: the Task body or its monitor)',
    level: 'VENDOR',
    vendor: 'ami',
    destructive: true,
    requires: ['rekey', 'task-service'],
    cite: {
      source: 'seed',
      section: 'Response',
      quote: 'The Messages property will contain the Task information.',
    },
    faults: ['ami-messages-without-task'],
    async check(t) {
      await judgeSweep(t, 'csr', (succeeded) => {
        const withTask = succeeded.filter((o) => o.tasks.size > 0);
        if (withTask.length === 0) notApplicable('no successful Rekey created a Task (see RF-AMI-008)');
        for (const o of withTask) {
          const tasks = [...o.tasks.keys()];
          if (o.async) {
            // 202 + Task (DSP0266): the answer is the Task information itself (its body, or the monitor it names).
            const monitors = [...o.tasks.values()].flatMap((snaps) => snaps.map((s) => s.body?.TaskMonitor));
            const path = (u: unknown) => (typeof u === 'string' ? new URL(u, t.target.baseUrl).pathname : u);
            check(
              tasks.includes(o.initialBody?.['@odata.id']) ||
                monitors.some((m) => m && path(m) === path(o.location)),
              `Rekey of the ${label(o)} answered 202 without naming the created Task (${tasks.join(', ')}) in its body or Location`,
            );
            continue;
          }
          const messages = (o.finalBody?.Messages ?? o.finalBody?.['@Message.ExtendedInfo'] ?? []) as Json[];
          check(
            Array.isArray(messages) && messages.length > 0,
            `Rekey of the ${label(o)}: no Messages (or @Message.ExtendedInfo) array in the response`,
          );
          const ids = tasks.flatMap((uri) => [uri, uri.split('/').pop()!]);
          const text = JSON.stringify(messages);
          const named =
            messages.some((m) =>
              ((m?.MessageArgs ?? []) as unknown[]).some((a) => ids.includes(String(a))),
            ) || tasks.some((u) => text.includes(u));
          check(
            named,
            `Rekey of the ${label(o)}: Messages ${show(messages)} do not name the created Task (${tasks.join(', ')})`,
          );
        }
      });
    },
  }),
];
