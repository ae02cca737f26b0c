import { observedPeerCertificate } from '../../src/http/client.ts';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import { check, show } from '../../src/core/check.ts';
import { TransportError } from '../../src/core/errors.ts';
import type { Target } from '../../src/core/api.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import type { Json } from './context.ts';

/** MessageIds of an error body: error.code and every @Message.ExtendedInfo entry. */
export function messageIds(body: Json): string[] {
  const ids: string[] = [];
  if (typeof body?.error?.code === 'string') ids.push(body.error.code);
  for (const m of (body?.error?.['@Message.ExtendedInfo'] ?? []) as Json[])
    if (typeof m?.MessageId === 'string') ids.push(m.MessageId);
  return ids;
}

/** `Base.1.22.1.ActionParameterUnknown` → {registry Base, key ActionParameterUnknown}. */
export function splitMessageId(id: string): { registry: string; key: string } {
  const parts = id.split('.');
  return { registry: parts[0] ?? '', key: parts[parts.length - 1] ?? '' };
}

export function extendedInfo(body: Json): Json[] {
  return (body?.error?.['@Message.ExtendedInfo'] ?? []) as Json[];
}

/**
 * A rejection as DSP0266 describes it: one of the expected statuses, and for 400 and 500 (whose rows say "An
 * extended error shall be returned") an extended error body; for other codes a body is only a "should". No
 * document says which Base message a service picks, so `keys` (the closest registry messages) are only noted.
 */
export function expectRedfishError(
  t: { note(text: string): void },
  res: HttpResponse,
  statuses: readonly number[],
  keys: readonly string[],
  what: string,
): Json {
  check(
    statuses.includes(res.status),
    `${what}: expected ${statuses.join(' or ')}, got ${res.status} ${show(res.text)}`,
  );
  const mustCarryError = res.status === 400 || res.status === 500;
  if (!mustCarryError && res.text.trim() === '') return undefined;
  check(res.text.trim() !== '', `${what}: ${res.status} without a body; expected an extended error`);
  const body = res.json() as Json;
  if (!mustCarryError) return body;
  check(
    body && typeof body.error === 'object',
    `${what}: ${res.status} body is not a Redfish extended error (no "error" object): ${show(res.text)}`,
  );
  const ids = messageIds(body);
  if (!ids.some((id) => splitMessageId(id).registry === 'Base' && keys.includes(splitMessageId(id).key)))
    t.note(`${what}: MessageId ${ids.join(', ') || 'none'} (the closest Base messages: ${keys.join(', ')})`);
  return body;
}

/** The certificate a TLS server presents (DER), read with node:tls without trusting it. */
export function peerCertificate(target: Target): Promise<{ raw: Buffer; subjectaltname?: string }> {
  // Through the recording hook: a recording keeps the certificate, a replay answers it from there.
  return observedPeerCertificate(() => handshake(target));
}

function handshake(target: Target): Promise<{ raw: Buffer; subjectaltname?: string }> {
  const url = new URL(target.baseUrl);
  const port = Number(url.port || 443);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host,
      port,
      rejectUnauthorized: false,
      ...(/^[\d.:]+$/.test(host) ? {} : { servername: host }),
    });
    const timer = setTimeout(
      () =>
        socket.destroy(
          new TransportError(`TLS ${host}:${port}: no handshake within ${target.timeouts.requestMs} ms`),
        ),
      target.timeouts.requestMs,
    );
    socket.once('secureConnect', () => {
      const peer: PeerCertificate = socket.getPeerCertificate(false);
      clearTimeout(timer);
      socket.end();
      resolve({ raw: peer.raw, ...(peer.subjectaltname ? { subjectaltname: peer.subjectaltname } : {}) });
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(
        err instanceof TransportError ? err : new TransportError(`TLS ${host}:${port}: ${err.message}`, err),
      );
    });
  });
}

/** SANs of a peer certificate (node's "DNS:a, IP Address:1.2.3.4" form) as issue options. */
export function sansOf(subjectaltname: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const part of (subjectaltname ?? '').split(/,\s*/)) {
    if (part.startsWith('DNS:')) dnsNames.push(part.slice(4));
    else if (part.startsWith('IP Address:')) ipAddresses.push(part.slice(11));
  }
  return { dnsNames, ipAddresses };
}
