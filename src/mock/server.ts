import { remember } from '../core/memo.ts';
import type { FastifyInstance } from 'fastify';
import type { HostileOptions, RunningMock } from '../core/api.ts';
import { installHostile } from './hostile.ts';
import { TestCa, certPem } from '../pki/ca.ts';
import { KeyPool } from '../pki/keys.ts';

export interface TlsCredentials {
  key: string;
  cert: string;
  /** The CA that signed `cert`, for the target's trust store. */
  ca: string;
}

/** A server certificate for 127.0.0.1/localhost signed by the test CA, with a key from the pool. */
export function loopbackTls(commonName: string): Promise<TlsCredentials> {
  return loopbackIdentity(commonName);
}

/** One TLS identity per name and process (signing one per mock start cost a self-test seconds). */
const loopbackIdentity = remember(
  (commonName: string) => issueLoopbackTls(commonName),
  (commonName) => commonName,
);

async function issueLoopbackTls(commonName: string, pool = new KeyPool()): Promise<TlsCredentials> {
  const ca = await TestCa.load();
  const key = await pool.take(2048);
  const cert = await ca.issue({
    subject: `CN=${commonName}`,
    publicKey: key.keys.publicKey,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'],
  });
  return { key: key.privatePem, cert: certPem(cert), ca: ca.certPem };
}

/** Starts a mock's fastify app on loopback (port 0 = any free port) and reports its base URL. */
export async function listen(
  app: FastifyInstance,
  opts: { host?: string; port?: number; https: boolean; hostile?: HostileOptions },
): Promise<RunningMock> {
  const host = opts.host ?? '127.0.0.1';
  const hostile = opts.hostile ? installHostile(app, opts.hostile) : undefined;
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const scheme = opts.https ? 'https' : 'http';
  return {
    url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => {
      hostile?.close();
      return app.close();
    },
    ...(hostile ? { hostileHits: hostile.hits } : {}),
  };
}
