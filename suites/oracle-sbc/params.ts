import type { Target } from '../../src/core/api.ts';
import { SCRATCH_PREFIX } from '../../src/core/scratch.ts';

/** The profile's `params` for oracle-sbc (validated by PARAMS_SCHEMA, defaults applied by sbcParams). */
export interface SbcParams {
  apiVersion: string;
  /** Scratch certificate-record the suite creates and deletes; other scratch records get suffixes (-regen, ...). */
  recordName: string;
  unknownRecordName: string;
  record: {
    country: string;
    state: string;
    locality: string;
    organization: string;
    unit: string;
    commonName: string;
    alternateName: string;
    keySize: 1024 | 2048 | 4096;
    keyUsages: string[];
    extendedKeyUsages: string[];
  };
  tokenLifetimeSeconds: number;
  /** Plain-HTTP URL of the device for the 426 rules, or "none". */
  httpUrl?: string;
  pollIntervalMs: number;
}

export const DEFAULT_RECORD: SbcParams['record'] = {
  country: 'DE',
  state: 'Berlin',
  locality: 'Kreuzberg',
  organization: 'certconform',
  unit: 'conformance',
  commonName: 'sbc.certconform.test',
  alternateName: 'DNS:sbc.certconform.test,DNS:sbc-alt.certconform.test,IP:192.0.2.10',
  keySize: 2048,
  keyUsages: ['digitalSignature', 'keyEncipherment', 'nonRepudiation'],
  extendedKeyUsages: ['serverAuth', 'clientAuth'],
};

export const PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    apiVersion: {
      type: 'string',
      pattern: '^v\\d+\\.\\d+$',
      description: 'REST version segment (default v1.2)',
    },
    recordName: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$',
      description: 'scratch certificate-record name the suite creates and deletes (never an existing record)',
    },
    unknownRecordName: {
      type: 'string',
      minLength: 1,
      description: 'a certificate-record name that does not exist',
    },
    record: {
      type: 'object',
      additionalProperties: false,
      description:
        'fields of the scratch certificate-record (defaults differ from the device defaults on purpose)',
      properties: {
        country: { type: 'string', pattern: '^[A-Za-z]{2}$' },
        state: { type: 'string', minLength: 1, maxLength: 128 },
        locality: { type: 'string', minLength: 1, maxLength: 128 },
        organization: { type: 'string', minLength: 1, maxLength: 64 },
        unit: { type: 'string', minLength: 1, maxLength: 64 },
        commonName: { type: 'string', minLength: 1, maxLength: 64 },
        alternateName: { type: 'string', maxLength: 1024 },
        keySize: { enum: [1024, 2048, 4096] },
        keyUsages: { type: 'array', items: { type: 'string' }, minItems: 1 },
        extendedKeyUsages: { type: 'array', items: { enum: ['serverAuth', 'clientAuth'] }, minItems: 1 },
      },
    },
    tokenLifetimeSeconds: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'access token lifetime (documented: 600)',
    },
    httpUrl: { type: 'string', description: 'plain-HTTP URL of the device, or "none"' },
    pollIntervalMs: {
      type: 'integer',
      minimum: 10,
      description: 'interval between polls of save/verify/activate',
    },
  },
} as const;

export function sbcParams(target: Target): SbcParams {
  const p = target.params as Partial<SbcParams> & { record?: Partial<SbcParams['record']> };
  return {
    apiVersion: p.apiVersion ?? 'v1.2',
    recordName: p.recordName ?? `${SCRATCH_PREFIX}test`,
    unknownRecordName: p.unknownRecordName ?? `${SCRATCH_PREFIX}no-such-record`,
    record: { ...DEFAULT_RECORD, ...p.record },
    tokenLifetimeSeconds: p.tokenLifetimeSeconds ?? 600,
    httpUrl: p.httpUrl,
    pollIntervalMs: p.pollIntervalMs ?? 1000,
  };
}

/** The plain-HTTP URL: the profile's, or the base URL with http: on port 80. */
export function plainHttpUrl(target: Target, params: SbcParams): string | undefined {
  if (params.httpUrl === 'none') return undefined;
  if (params.httpUrl) return params.httpUrl;
  const url = new URL(target.baseUrl);
  url.protocol = 'http:';
  url.port = '';
  return url.origin;
}

/**
 * How long SBC-AUTH-005 waits after the last use of a token before judging it: the lifetime, 1.5 s for the
 * clocks, and a grace of a tenth of the lifetime (at least 3 s) for a device that enforces expiry by a sweep.
 */
export function expiryCheckDelayMs(params: SbcParams): number {
  const lifetimeMs = params.tokenLifetimeSeconds * 1000;
  return lifetimeMs + 1500 + Math.max(3000, lifetimeMs / 10);
}
