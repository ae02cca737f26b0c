import { createPublicKey, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { subtle, type CryptoKeyPair } from './x509.ts';
import { drawSequence } from '../core/random.ts';
import { repoPath } from '../paths.ts';

/** RSASSA-PKCS1-v1_5 with SHA-256: deterministic signatures, accepted everywhere. */
export const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface PooledKey {
  bits: number;
  /** PKCS#8 PEM (TEST ONLY key material). */
  privatePem: string;
  keys: CryptoKeyPair;
}

const POOL_DIR = repoPath('fixtures/pki/keys');
const cache = new Map<string, Promise<PooledKey>>();

function poolFiles(bits: number): string[] {
  return readdirSync(POOL_DIR)
    .filter((f) => f.startsWith(`rsa-${bits}-`) && f.endsWith('.pem'))
    .sort();
}

export async function importRsaPkcs8(pem: string): Promise<CryptoKeyPair> {
  const priv = createPrivateKey(pem);
  const pkcs8 = priv.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  const privateKey = await subtle.importKey('pkcs8', pkcs8, RSA_SHA256, true, ['sign']);
  const publicKey = await subtle.importKey('spki', spki, RSA_SHA256, true, ['verify']);
  return { privateKey, publicKey };
}

function load(file: string, bits: number): Promise<PooledKey> {
  let p = cache.get(file);
  if (!p) {
    const privatePem = readFileSync(join(POOL_DIR, file), 'utf8');
    p = importRsaPkcs8(privatePem).then((keys) => ({ bits, privatePem, keys }));
    cache.set(file, p);
  }
  return p;
}

/**
 * An RSA key that no pool hands out (fixtures/pki/foreign), so no mock can hold it: for rules that need "a
 * key the device never held" and must still replay (a freshly generated key would differ every run).
 */
export function foreignKey(bits = 2048): Promise<PooledKey> {
  return load(`../foreign/rsa-${bits}.pem`, bits);
}

/**
 * Pre-generated RSA keys (fixtures/pki/keys, made by `npm run fixtures`): RSA generation is slow on small
 * machines, so mocks and tests draw keys from this pool. Each pool hands out its keys in turn, so
 * consecutive draws are always different keys.
 */
export class KeyPool {
  /** The next index per key size, counted per target of the run (see drawSequence) and for mocks. */
  private next = new Map<string, number>();

  constructor(private readonly offset = 0) {}

  sizes(): number[] {
    return [...new Set(readdirSync(POOL_DIR).map((f) => Number(/^rsa-(\d+)-/.exec(f)?.[1])))]
      .filter(Boolean)
      .sort((a, b) => a - b);
  }

  async take(bits: number): Promise<PooledKey> {
    const files = poolFiles(bits);
    if (files.length === 0)
      throw new Error(`no pre-generated RSA-${bits} keys in ${POOL_DIR}; run npm run fixtures`);
    const key = `${bits}\u0000${drawSequence() ?? ''}`;
    const i = this.next.get(key) ?? this.offset;
    this.next.set(key, i + 1);
    return load(files[i % files.length]!, bits);
  }
}

export function rsaModulusBits(key: KeyObject): number | undefined {
  return key.asymmetricKeyDetails?.modulusLength;
}
