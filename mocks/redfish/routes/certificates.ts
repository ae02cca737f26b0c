import { pemBlocks } from '../../../src/pki/pem.ts';
import type { x509 } from '../../../src/pki/x509.ts';
import { certificateFromDer } from '../../../src/pki/x509.ts';
import { certificateOem, ldapCollectionOem, lighttpdAccepts } from '../ami.ts';
import { collection, ref, type Answer } from '../answers.ts';
import { certificateProperties, heldKeyFromPem, type HeldKey } from '../certs.ts';
import type { RedfishContext } from '../context.ts';
import type { UserCall } from '../router.ts';
import { parseBody } from '../request-body.ts';
import { U, type MockCert } from '../state.ts';

const REPLACE = `${U}/CertificateService/Actions/CertificateService.ReplaceCertificate`;

/**
 * The certificate collections and Certificate resources (with their RekeyActionInfo), and the
 * CertificateService: its CertificateLocations and the ReplaceCertificate action that installs a certificate.
 */
export function registerCertificates(ctx: RedfishContext): void {
  const { cfg, has, err, routes, state, setTls } = ctx;
  const { certs, collections, kinds } = state;

  function certJson(c: MockCert): Record<string, unknown> {
    const props = certificateProperties(c.cert);
    // OpenSSL's own date format, which some firmware copies into the resource instead of RFC 3339.
    if (c.kind === 'device' && has('location-certificate-date-invalid'))
      props.ValidNotAfter = c.cert.notAfter
        .toUTCString()
        .replace(/^\w+, (\d+) (\w+) (\d+) (.+) GMT$/, '$2 $1 $4 $3 GMT');
    if (c.kind === 'https' && has('certificate-string-leaks-key') && c.key)
      props.CertificateString = `${String(props.CertificateString)}\n${c.key.privatePem}`;
    let rekey: Record<string, unknown> = { target: `${c.uri}/Actions/Certificate.Rekey` };
    if (c.kind === 'ldap' && has('rekey-target-nonstandard')) rekey = { target: `${c.uri}/Actions/Rekey` };
    if (c.kind === 'ldap' && has('rekey-action-without-target')) rekey = { title: 'Rekey' };
    if (cfg.actionInfo) rekey['@Redfish.ActionInfo'] = `${c.uri}/RekeyActionInfo`;
    if (has('rekey-action-extra-member')) rekey.Parameters = { KeyBitLength: 'integer' };
    const body: Record<string, unknown> = {
      '@odata.id': c.uri,
      '@odata.type':
        c.kind === 'ldap' && has('certificate-version-too-old')
          ? '#Certificate.v1_0_0.Certificate'
          : cfg.certificateOdataType,
      Id: c.kind === 'https' && has('certificate-id-mismatch') ? `${c.id}-cert` : c.id,
      Name: c.name,
      ...props,
      KeyUsage: c.kind === 'https' && has('certificate-schema-invalid') ? ['ServerAuth'] : c.keyUsage,
      ...(c.noRekey ? {} : { Actions: { '#Certificate.Rekey': rekey } }),
    };
    if (c.ownerGuid !== undefined) body.Oem = certificateOem(has, c.ownerGuid);
    return body;
  }

  function actionInfoJson(c: MockCert): Record<string, unknown> {
    return {
      '@odata.id': `${c.uri}/RekeyActionInfo`,
      '@odata.type': '#ActionInfo.v1_5_0.ActionInfo',
      Id: 'RekeyActionInfo',
      Name: 'Rekey Action Info',
      Parameters: [
        {
          Name: 'KeyBitLength',
          Required: false,
          DataType: has('action-info-wrong-datatype') ? 'String' : 'Number',
          MinimumValue: c.kind === 'https' ? cfg.keyBits.httpsMin : cfg.keyBits.min,
          MaximumValue: cfg.keyBits.max,
        },
        {
          Name: 'KeyPairAlgorithm',
          Required: false,
          DataType: 'String',
          AllowableValues: [...cfg.algorithms],
        },
        ...(cfg.curves.length
          ? [{ Name: 'KeyCurveId', Required: false, DataType: 'String', AllowableValues: [...cfg.curves] }]
          : []),
        { Name: 'ChallengePassword', Required: false, DataType: 'String' },
      ],
    };
  }

  routes.resource((path) => {
    const cert = certs.get(path);
    if (cert) return certJson(cert);
    if (cfg.actionInfo && path.endsWith('/RekeyActionInfo')) {
      const c = certs.get(path.slice(0, -'/RekeyActionInfo'.length));
      if (c && !c.noRekey) return actionInfoJson(c);
    }
    for (const kind of kinds) {
      if (path !== collections[kind]) continue;
      const members = [...certs.values()].filter((c) => c.kind === kind).map((c) => c.uri);
      const extra =
        kind === 'ldap' && kinds.includes('ldapClient')
          ? { Oem: ldapCollectionOem(collections.ldapClient) }
          : {};
      return collection(
        path,
        '#CertificateCollection.CertificateCollection',
        `${kind} certificates`,
        members,
        extra,
      );
    }
    if (path === `${U}/CertificateService`)
      return {
        '@odata.id': path,
        '@odata.type': '#CertificateService.v1_0_4.CertificateService',
        Id: 'CertificateService',
        Name: 'Certificate Service',
        CertificateLocations: ref(`${path}/CertificateLocations`),
        Actions: {
          '#CertificateService.ReplaceCertificate': {
            target: REPLACE,
            'CertificateType@Redfish.AllowableValues': ['PEM'],
          },
        },
      };
    if (path === `${U}/CertificateService/CertificateLocations`) {
      const all = [...certs.values()].map((c) => ref(c.uri));
      return {
        '@odata.id': path,
        '@odata.type': '#CertificateLocations.v1_0_4.CertificateLocations',
        Id: 'CertificateLocations',
        Name: 'Certificate Locations',
        Links: { Certificates: all, 'Certificates@odata.count': all.length },
      };
    }
    return undefined;
  });

  async function replaceCertificate({ req, user }: UserCall): Promise<Answer> {
    if (user.role !== 'Administrator') return err(403, 'InsufficientPrivilege');
    const parsed = parseBody(ctx, req);
    if (!parsed.ok) return parsed.answer;
    const body = parsed.value;
    for (const p of ['CertificateString', 'CertificateType', 'CertificateUri']) {
      if (!(p in body)) return err(400, 'ActionParameterMissing', ['ReplaceCertificate', p]);
    }
    // The schema's link object; a string URI is what iDRAC before 5.00 takes (and sushy sends), bmcweb refuses it.
    const link = body.CertificateUri;
    const uri =
      typeof link === 'string' && !cfg.certificateUriLinkOnly
        ? link
        : (link as { '@odata.id'?: unknown } | null)?.['@odata.id'];
    const c = typeof uri === 'string' ? certs.get(uri) : undefined;
    if (!c) return err(400, 'ActionParameterValueError', ['CertificateUri', 'ReplaceCertificate']);
    if (body.CertificateType !== 'PEM')
      return err(400, 'ActionParameterValueNotInList', [
        String(body.CertificateType),
        'CertificateType',
        'ReplaceCertificate',
      ]);
    const bad = () =>
      has('replace-refusal-blames-type')
        ? err(400, 'ActionParameterValueNotInList', ['PEM', 'CertificateType', 'ReplaceCertificate'])
        : err(400, 'ActionParameterValueError', ['CertificateString', 'ReplaceCertificate']);
    if (typeof body.CertificateString !== 'string') return bad();
    const blocks = pemBlocks(body.CertificateString);
    const certBlock = blocks.find((b) => b.label === 'CERTIFICATE');
    const keyBlock = blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
    if (!certBlock) return bad();
    let leaf: x509.X509Certificate;
    try {
      leaf = certificateFromDer(certBlock.der);
    } catch {
      return bad();
    }
    const encrypted =
      !!keyBlock &&
      (keyBlock.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(keyBlock.text));
    let supplied: HeldKey | undefined;
    if (keyBlock && !encrypted) {
      try {
        supplied = await heldKeyFromPem(keyBlock.text);
      } catch {
        return bad();
      }
    }
    // AMI's HTTPS certificate goes to lighttpd, which has limits of its own.
    const lighttpd = cfg.vendor === 'ami' && c.kind === 'https';
    if (lighttpd && !lighttpdAccepts(has, certBlock, keyBlock, encrypted, leaf)) return bad();
    const leafSpki = Buffer.from(leaf.publicKey.rawData);
    let key: HeldKey | undefined;
    if (supplied) {
      if (!supplied.spki.equals(leafSpki)) return bad();
      key = supplied;
    } else if (c.pending?.spki.equals(leafSpki) && !has('replace-rejects-pending-key')) {
      key = c.pending;
    } else if (c.key?.spki.equals(leafSpki)) {
      key = c.key;
    } else if (!has('replace-accepts-foreign-key') && !encrypted) {
      return bad();
    }
    c.cert = leaf;
    if (key) {
      if (key === c.pending) c.pending = undefined;
      c.key = key;
      if (!has('https-port-keeps-old-certificate')) setTls(c);
    }
    return { status: 200, body: certJson(c), headers: has('replace-no-location') ? {} : { Location: c.uri } };
  }

  routes.authenticated({
    match: ({ path }) => path === REPLACE,
    answer: (call) => {
      if (call.method !== 'POST') return err(405, 'OperationNotAllowed', [], { Allow: 'POST' });
      // A firmware that advertises the action but has no handler for it (or a proxy that lets no POST through).
      if (has('replace-certificate-not-served'))
        return err(405, 'OperationNotAllowed', [], { Allow: 'GET, HEAD' });
      return replaceCertificate(call);
    },
  });
}
