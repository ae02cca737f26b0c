import type { RuleRun } from '../../../../src/core/api.ts';
import { check, checkEqual } from '../../../../src/core/check.ts';
import { TestCa, certPem } from '../../../../src/pki/ca.ts';
import { KeyPool } from '../../../../src/pki/keys.ts';
import { MESSAGES, type SbcClient } from '../../client.ts';
import { csrOfResponse } from '../../csr.ts';
import { expectLocked, expectStatus, rule } from '../../rule.ts';
import { buildXml, envelope, findText } from '../../xml.ts';

const IMPORT_QUOTE = {
  source: 'sbc-notes',
  section: '§5.2 PUT /rest/{version}/configuration/certificates/import',
  quote: 'X509 and PKCS7 supported; requires the lock; syntactically invalid → fails, nothing imported',
} as const;

function importBody(recordName: string, certificate: string): string {
  return buildXml({ ImportCertificate: { recordName, format: 'x509', certificateRequest: certificate } });
}

function importCertificate(t: RuleRun<SbcClient>, recordName: string, certificate: string) {
  return t.ctx.admin.request('PUT', 'configuration/certificates/import', {
    body: importBody(recordName, certificate),
  });
}

/** A certificate from the test CA for a key that is not the record's (a pooled key: no RSA generation at run time). */
function foreignCertificate(t: RuleRun<SbcClient>): Promise<string> {
  return t.shared('foreign-certificate', async () => {
    const ca = await TestCa.load();
    const key = await new KeyPool(17).take(2048);
    return certPem(await ca.issue({ subject: 'CN=certconform foreign key', publicKey: key.keys.publicKey }));
  });
}

/** Lock, scratch record, CSR: the record now holds a private key (the caller keeps the lock). */
async function recordWithKey(t: RuleRun<SbcClient>, suffix: string) {
  const name = `${t.ctx.params.recordName}-${suffix}`;
  await t.ctx.acquire(t);
  await t.ctx.createRecord(t, name);
  const generated = await t.ctx.generateRequest(t.ctx.admin, { recordName: name });
  expectStatus(generated, 200, `PUT generateRequest?recordName=${name}`);
  return { name, generated };
}

export const importSigned = rule({
  id: 'SBC-IMP-001',
  title:
    "Importing the CA-signed certificate for the record's CSR under the lock answers 200 with the record name.",
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.2 PUT /rest/{version}/configuration/certificates/import',
    quote: '200 "certificate record name in request body is returned in response body"',
  },
  destructive: true,
  faults: ['import-echo-missing', 'csr-lines-shuffled'],
  async check(t) {
    const { name, generated } = await recordWithKey(t, 'import');
    const csr = csrOfResponse(generated);
    const ca = await TestCa.load();
    const cert = await ca.signCsr(csr.csr);
    t.note(`certificate for ${csr.csr.subject} signed by the bundled test CA`);
    const res = await importCertificate(t, name, certPem(cert));
    expectStatus(res, 200, `PUT certificates/import for "${name}"`);
    checkEqual(
      findText(envelope(res).data, 'recordName'),
      name,
      'import answer: record name in the data section',
    );
  },
});

export const importNeedsLock = rule({
  id: 'SBC-IMP-002',
  title: 'Import without the lock answers 423 "User does not have the lock".',
  level: 'MUST',
  cite: IMPORT_QUOTE,
  destructive: true,
  faults: ['import-without-lock', 'lock-messages-swapped'],
  async check(t) {
    const name = `${t.ctx.params.recordName}-import-nolock`;
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    await t.ctx.admin.unlock();
    const res = await importCertificate(t, name, await foreignCertificate(t));
    expectLocked(res, MESSAGES.noLock, 'PUT certificates/import while nobody holds the lock');
  },
});

export const importForeignKeyRefused = rule({
  id: 'SBC-IMP-003',
  title: "A certificate for another key than the record's is refused (4xx).",
  level: 'MUST',
  cite: IMPORT_QUOTE,
  destructive: true,
  faults: ['import-foreign-key-accepted'],
  async check(t) {
    const { name } = await recordWithKey(t, 'import-foreign');
    const res = await importCertificate(t, name, await foreignCertificate(t));
    check(
      res.status >= 400 && res.status < 500,
      `PUT certificates/import of a certificate for another key: expected a 4xx refusal, got ${res.status}`,
    );
  },
});

export const importMalformedRefused = rule({
  id: 'SBC-IMP-004',
  title: 'A syntactically invalid certificate is refused with 400.',
  level: 'MUST',
  cite: IMPORT_QUOTE,
  destructive: true,
  faults: ['import-malformed-accepted'],
  async check(t) {
    const name = `${t.ctx.params.recordName}-import-bad`;
    await t.ctx.acquire(t);
    await t.ctx.createRecord(t, name);
    const garbage =
      '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGUgYXQgYWxsLg==\n-----END CERTIFICATE-----\n';
    const res = await importCertificate(t, name, garbage);
    expectStatus(res, 400, 'PUT certificates/import of a malformed certificate');
  },
});

export const importUnknownRecord = rule({
  id: 'SBC-IMP-005',
  title: 'Import for a certificate-record that does not exist answers 404.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§5.2 PUT /rest/{version}/configuration/certificates/import',
    quote: '404 (unsupported version or unknown instance)',
  },
  faults: ['import-unknown-record-400'],
  async check(t) {
    await t.ctx.acquire(t);
    const res = await importCertificate(t, t.ctx.params.unknownRecordName, await foreignCertificate(t));
    expectStatus(
      res,
      404,
      `PUT certificates/import for "${t.ctx.params.unknownRecordName}" (no such record)`,
    );
  },
});

export const importRules = [
  importSigned,
  importNeedsLock,
  importForeignKeyRefused,
  importMalformedRefused,
  importUnknownRecord,
];
