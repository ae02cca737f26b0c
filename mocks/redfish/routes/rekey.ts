import { posix } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rekeyMessages, rekeyedOwnerGuid } from '../ami.ts';
import { ref, type Answer } from '../answers.ts';
import {
  TCG_CURVES,
  corruptCsrSignature,
  generateEcKey,
  issue,
  makeCsr,
  poolBits,
  takeKey,
  type HeldKey,
} from '../certs.ts';
import type { RedfishContext } from '../context.ts';
import type { UserCall } from '../router.ts';
import { parseBody } from '../request-body.ts';
import type { MockCert } from '../state.ts';
import { createTask, taskJson } from '../tasks.ts';

const REKEY = /\/Actions\/(Certificate\.Rekey|Rekey)$/;

/**
 * A certificate's Rekey action: its parameters checked against the variant's limits, a CSR for a new key, and
 * the answer the variant gives (200 with the CSR, 202 with a Task, or AMI's 200 with Messages and a Task).
 */
export function registerRekey(ctx: RedfishContext): void {
  const { cfg, has, prefix, err, routes, state, ca, pool, setTls } = ctx;

  function rekeyError(c: MockCert, body: Record<string, unknown>): Answer | undefined {
    const params = Object.keys(body).filter((k) => !k.includes('@'));
    if (params.length === 0 && has('empty-body-rejected')) return err(400, 'EmptyJSON');
    const supported = [
      'ChallengePassword',
      'KeyBitLength',
      ...(cfg.vendor === 'dmtf' ? ['KeyPairAlgorithm', 'KeyCurveId'] : []),
    ];
    for (const p of params) {
      if (supported.includes(p)) continue;
      if (['KeyPairAlgorithm', 'KeyCurveId'].includes(p))
        return err(400, 'ActionParameterNotSupported', [p, 'Rekey']);
      if (has('unknown-parameter-ignored')) continue;
      return err(400, 'ActionParameterUnknown', has('message-args-swapped') ? [p, 'Rekey'] : ['Rekey', p]);
    }
    if (
      'ChallengePassword' in body &&
      typeof body.ChallengePassword !== 'string' &&
      !has('challenge-password-type-unchecked')
    ) {
      // The value is not repeated: it may be a secret.
      if (has('challenge-password-echoed'))
        return err(400, 'ActionParameterValueTypeError', [
          JSON.stringify(body.ChallengePassword),
          'ChallengePassword',
          'Rekey',
        ]);
      return err(400, 'ActionParameterValueError', ['ChallengePassword', 'Rekey']);
    }
    if ('KeyBitLength' in body) {
      const v = body.KeyBitLength;
      if (!Number.isInteger(v) && !has('keybitlength-type-unchecked'))
        return err(400, 'ActionParameterValueTypeError', [JSON.stringify(v), 'KeyBitLength', 'Rekey']);
      const bits = Math.round(Number(v));
      let min = c.kind === 'https' ? cfg.keyBits.httpsMin : cfg.keyBits.min;
      let max = cfg.keyBits.max;
      if (has('ami-minimum-1024') && c.kind !== 'https') min = 1024;
      if (has('ami-accepts-511') && c.kind !== 'https') min = 511;
      if (has('ami-accepts-4096')) max = 4096;
      if (has('ami-https-accepts-512') && c.kind === 'https') min = 512;
      if (has('action-info-max-rejected')) max -= 1;
      const enforced = !has('action-info-range-not-enforced');
      if (enforced && (bits < min || bits > max))
        return err(400, 'ActionParameterValueOutOfRange', [String(v), 'KeyBitLength', 'Rekey']);
      // The mock draws keys from the pre-generated pool; other lengths would be fine on a device.
      if (enforced && poolBits(bits) !== bits && !(bits === 511 && has('ami-accepts-511')))
        return err(400, 'ActionParameterValueNotInList', [String(v), 'KeyBitLength', 'Rekey']);
    }
    if ('KeyPairAlgorithm' in body) {
      const allowed = [...cfg.algorithms, ...(has('openssl-algorithm-name-accepted') ? ['RSA'] : [])];
      if (!allowed.includes(body.KeyPairAlgorithm as string))
        return err(400, 'ActionParameterValueNotInList', [
          String(body.KeyPairAlgorithm),
          'KeyPairAlgorithm',
          'Rekey',
        ]);
    }
    if ('KeyCurveId' in body) {
      if (cfg.curves.length === 0) return err(400, 'ActionParameterNotSupported', ['KeyCurveId', 'Rekey']);
      if (body.KeyPairAlgorithm !== 'TPM_ALG_ECDSA' || !cfg.curves.includes(body.KeyCurveId as string))
        return err(400, 'ActionParameterValueNotInList', [String(body.KeyCurveId), 'KeyCurveId', 'Rekey']);
    }
    return undefined;
  }

  async function reissue(c: MockCert): Promise<void> {
    if (!c.key) return;
    c.cert = await issue(ca, c.cert.subject, c.key, { server: c.kind === 'https' });
    setTls(c);
  }

  /** Rekeys of one certificate are serialised like a device would; the fault crashes on an overlapping one. */
  async function rekey(c: MockCert, call: UserCall): Promise<Answer> {
    if (!has('concurrent-rekey-500')) return rekeyOne(c, call);
    if (c.busy) return { status: 500 };
    c.busy = true;
    try {
      await sleep(300);
      return await rekeyOne(c, call);
    } finally {
      c.busy = false;
    }
  }

  async function rekeyOne(c: MockCert, { req, path: target, user }: UserCall): Promise<Answer> {
    if (user.role === 'ReadOnly' && !has('readonly-can-rekey')) return err(403, 'InsufficientPrivilege');
    if (user.role === 'Operator') {
      const allowed =
        c.kind === 'boot' ? !has('operator-refused-on-boot') : has('operator-can-rekey-manager-certs');
      if (!allowed) return err(403, 'InsufficientPrivilege');
    }
    const parsed = parseBody(ctx, req);
    const refuse = async (a: Answer) => {
      if (has('rejected-request-reissues-certificate')) await reissue(c);
      return a;
    };
    if (!parsed.ok) return refuse(parsed.answer);
    const body = parsed.value;
    const problem = rekeyError(c, body);
    if (problem) return refuse(problem);
    if (has('rekey-refused') && c.kind === 'ldap') return err(400, 'GeneralError');

    let bits =
      'KeyBitLength' in body
        ? Math.round(Number(body.KeyBitLength)) || 2048
        : has('ami-default-1024')
          ? 1024
          : cfg.keyBits.default;
    if (has('csr-ignores-keybitlength')) bits = 2048;
    // No KeyPairAlgorithm: a key of the kind the certificate has (KeyBitLength only where RSA needs it).
    const algorithm = body.KeyPairAlgorithm ?? (c.key?.curve ? 'TPM_ALG_ECDSA' : 'TPM_ALG_RSA');
    let key: HeldKey;
    if (has('rekey-reuses-current-key') && c.kind === 'https' && c.key) key = c.key;
    else if (algorithm === 'TPM_ALG_ECDSA') {
      const asked = TCG_CURVES[String(body.KeyCurveId)];
      key = await generateEcKey(has('ec-curve-ignored') ? 'P-384' : (asked ?? c.key?.curve ?? 'P-384'));
    } else if (has('rekey-repeats-pending-key') && c.pending?.bits === poolBits(bits)) key = c.pending;
    else key = await takeKey(pool, bits);
    let challenge =
      typeof body.ChallengePassword === 'string' && !has('csr-drops-challenge-password')
        ? body.ChallengePassword
        : undefined;
    if (challenge === undefined && has('csr-adds-challenge-password') && !('ChallengePassword' in body))
      challenge = 'mock-challenge';
    const subject = has('csr-subject-differs') ? 'CN=certconform-other-subject' : c.cert.subject;
    let csr = await makeCsr({
      subject,
      key,
      ...(challenge !== undefined ? { challengePassword: challenge } : {}),
    });
    if (has('csr-bad-signature')) csr = corruptCsrSignature(csr);
    if (has('csr-includes-private-key')) csr = `${csr.trimEnd()}\n${key.privatePem}`;
    c.pending = key;
    if (c.ownerGuid !== undefined) c.ownerGuid = rekeyedOwnerGuid(has);
    if (has('rekey-replaces-immediately') && c.kind === 'https') {
      c.cert = await issue(ca, c.cert.subject, key, { server: true });
      c.key = key;
      setTls(c);
    }
    const response: Record<string, unknown> = {
      CSRString: csr,
      Certificate: ref(has('rekey-response-wrong-link') ? c.collection : c.uri),
      ...(has('rekey-response-extra-property') ? { KeyBitLength: bits } : {}),
    };
    const headers: Record<string, string> = has('rekey-response-no-odata-version')
      ? { 'OData-Version': '' }
      : {};

    if (cfg.async) {
      const t = createTask(ctx, c, target, parsed.raw, { status: 200, body: response });
      return {
        status: 202,
        body: has('async-body-not-task') ? {} : taskJson(ctx, t, false),
        headers: {
          ...headers,
          // A URI reference (RFC 9110): dmtf-async-relative gives it relative to the action's URI.
          ...(has('async-no-location')
            ? {}
            : {
                Location: cfg.relativeLocation ? posix.relative(posix.dirname(target), t.monitor) : t.monitor,
              }),
        },
      };
    }
    if (cfg.amiMessages) {
      const t =
        has('ami-no-task-created') && c.kind === 'ldap'
          ? undefined
          : createTask(ctx, c, target, parsed.raw, {
              status: 200,
              body: { CSRString: csr, Certificate: ref(c.uri) },
            });
      response.Messages = rekeyMessages(has, prefix, t?.id);
    }
    return { status: has('rekey-returns-201') && c.kind === 'ldap' ? 201 : 200, body: response, headers };
  }

  // Rekey advertised but not served, as a firmware without the handler or a proxy that lets no POST through
  // answers: before authentication, for every certificate (known or not).
  const notServed = has('rekey-not-served')
    ? err(405, 'OperationNotAllowed', [], { Allow: 'GET, HEAD' })
    : has('rekey-not-found')
      ? err(404, 'ResourceNotFound', ['Action', 'Certificate.Rekey'])
      : has('rekey-not-implemented')
        ? err(501, 'ActionNotSupported', ['Certificate.Rekey'])
        : undefined;
  if (notServed)
    routes.unauthenticated({
      match: ({ path, method }) => method === 'POST' && REKEY.test(path),
      answer: () => notServed,
    });

  routes.authenticated({
    match: ({ path }) => REKEY.test(path),
    anonymous: () =>
      has('rekey-without-auth') ? { username: 'anonymous', role: 'Administrator' } : undefined,
    answer: (call) => {
      const { path, method } = call;
      const certUri = path.replace(REKEY, '');
      const c = state.certs.get(certUri);
      const nonstandard = path.endsWith('/Actions/Rekey');
      // A certificate that advertises no Rekey has no such action (no-rekey, the device identity certificate).
      if (!c || c.noRekey || (nonstandard && !(c.kind === 'ldap' && has('rekey-target-nonstandard')))) {
        if (path.endsWith('/Actions/Certificate.Rekey') && has('unknown-certificate-500'))
          return err(500, 'InternalError');
        return err(404, 'ResourceNotFound', ['Certificate', certUri.split('/').pop() ?? '']);
      }
      if (method !== 'POST') {
        if (method === 'PATCH' && has('action-uri-accepts-patch')) return { status: 204 };
        return err(
          405,
          'OperationNotAllowed',
          [],
          has('method-not-allowed-without-allow') ? undefined : { Allow: 'POST' },
        );
      }
      return rekey(c, call);
    },
  });
}
