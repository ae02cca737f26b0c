// @peculiar/x509 2.x reads decorator metadata at import time: reflect-metadata must load first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { remember } from '../core/memo.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
export const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * A DER certificate parsed, remembered per content: suites and mocks read the same certificates from many
 * answers. Throws as the constructor does; treat what it returns as frozen.
 */
export const certificateFromDer = remember(
  (der: Uint8Array) => new x509.X509Certificate(der),
  (der) => Buffer.from(der).toString('base64'),
);
