import { KeyPool, spkiOfPrivatePem, type PooledKey } from '../../src/pki/keys.ts';
import { subtle, type x509, type CryptoKey, type CryptoKeyPair } from '../../src/pki/x509.ts';
import type { Fault } from './faults.ts';
import { IDS, newUuid } from './model.ts';
import type { VariantBehaviour } from './variants.ts';

export interface RaProfile {
  uuid: string;
  name: string;
  authorityUuid: string;
  enabled: boolean;
  /** Legacy (EJBCA v1) profiles carry an end entity profile and are served by the v1 API only. */
  legacy: boolean;
}

export interface PlatformKey {
  uuid: string;
  tokenProfileUuid: string;
  publicKey: CryptoKey;
  spki: Buffer;
  /** KeyAlgorithm of the inventory and the key's size (RSA modulus bits, EC curve bits). */
  algorithm: 'RSA' | 'ECDSA';
  length: number;
  state: 'active' | 'destroyed';
}

/** The authority behind the RA profiles: signs what the platform issues. */
export interface Signer {
  readonly cert: x509.X509Certificate;
  issue(opts: {
    subject: string;
    publicKey: x509.PublicKey | CryptoKey;
    serialNumber?: string;
  }): Promise<x509.X509Certificate>;
}

/** What the CA is asked to certify: from an uploaded CSR or from a platform key. */
export interface CertRequest {
  subject: string;
  publicKey: x509.PublicKey | CryptoKey;
  spki: Buffer;
  keyUuid?: string;
  altKeyUuid?: string;
  csrBase64?: string;
  fromCsr: boolean;
}

export interface Certificate {
  uuid: string;
  /** The UUID of its certificate request (CertificateRequestDto.uuid). */
  requestUuid: string;
  raProfileUuid?: string;
  state: string;
  request?: CertRequest;
  cert?: x509.X509Certificate;
  keyUuid?: string;
  altKeyUuid?: string;
  sourceCertificateUuid?: string;
  endEntity?: string;
  /** Set by the v2 API (duplicate-serials only affects these). */
  v2: boolean;
  archived?: boolean;
}

export interface EndEntity {
  username: string;
  password: string;
  subjectDN: string;
  email?: string;
  subjectAltName?: string;
  extensionData?: unknown[];
  status: string;
}

/** The mock's in-memory platform: RA profiles, platform keys, the inventory, the legacy end entities. */
export interface World {
  ca: Signer;
  keys: Map<string, PlatformKey>;
  raProfiles: Map<string, RaProfile>;
  certificates: Map<string, Certificate>;
  endEntities: Map<string, EndEntity>;
  /** The key faults put in place of the requested one. */
  substituteKey: PooledKey;
  /** Signs for fault sign-with-rogue-ca under the real CA's name. */
  rogueKey: PooledKey;
  /** Pending queue actions, cleared when the app closes. */
  timers: Set<NodeJS.Timeout>;
  /** Certificates whose undocumented "processing" state a client has seen (fault state-unknown-value). */
  seenProcessing: Set<string>;
  /** The one serial number of fault duplicate-serials. */
  fixedSerial?: string;
}

/** What every room of the mock is built from: the world, the variant's behaviour and the faults switched on. */
export interface MockContext {
  world: World;
  behaviour: VariantBehaviour;
  fault: (f: Fault) => boolean;
}

/**
 * The platform's keys: RSA 2048 from the pool, or (an EC RA profile) EC keys generated at start, P-256 and
 * P-384 in turn (EC generation is cheap).
 */
export async function createWorld(ca: Signer, ecKeys = false): Promise<World> {
  const pool = new KeyPool(10);
  const keys = new Map<string, PlatformKey>();
  let n = 0;
  const addKey = async (uuid: string, tokenProfileUuid: string) => {
    if (ecKeys) {
      const length = n++ % 2 === 0 ? 256 : 384;
      const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: `P-${length}` }, true, [
        'sign',
        'verify',
      ])) as CryptoKeyPair;
      const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey));
      keys.set(uuid, {
        uuid,
        tokenProfileUuid,
        publicKey: pair.publicKey,
        spki,
        algorithm: 'ECDSA',
        length,
        state: 'active',
      });
      return;
    }
    const pooled = await pool.take(2048);
    const spki = spkiOfPrivatePem(pooled.privatePem);
    keys.set(uuid, {
      uuid,
      tokenProfileUuid,
      publicKey: pooled.keys.publicKey,
      spki,
      algorithm: 'RSA',
      length: 2048,
      state: 'active',
    });
  };
  for (const k of [...IDS.keys, IDS.disposableKey, IDS.spareKey]) await addKey(k, IDS.tokenProfile);
  for (const k of IDS.altKeys) await addKey(k, IDS.altTokenProfile);
  const substituteKey = await new KeyPool(25).take(2048);
  const rogueKey = await new KeyPool(20).take(2048);

  const raProfiles = new Map<string, RaProfile>(
    [
      {
        uuid: IDS.raProfile,
        name: IDS.raProfileName,
        authorityUuid: IDS.authority,
        enabled: true,
        legacy: false,
      },
      {
        uuid: IDS.disabledRaProfile,
        name: IDS.disabledRaProfileName,
        authorityUuid: IDS.authority,
        enabled: false,
        legacy: false,
      },
      {
        uuid: IDS.legacyRaProfile,
        name: IDS.legacyRaProfileName,
        authorityUuid: IDS.legacyAuthority,
        enabled: true,
        legacy: true,
      },
    ].map((p) => [p.uuid, p]),
  );
  const certificates = new Map<string, Certificate>();
  certificates.set(IDS.caCertificate, {
    uuid: IDS.caCertificate,
    requestUuid: newUuid(),
    state: 'issued',
    cert: ca.cert,
    v2: false,
  });
  return {
    ca,
    keys,
    raProfiles,
    certificates,
    endEntities: new Map(),
    substituteKey,
    rogueKey,
    timers: new Set(),
    seenProcessing: new Set(),
  };
}

/** A v2 certificate in state requested, in the inventory. */
export function newCertificate(
  world: World,
  profile: RaProfile,
  request: CertRequest,
  source?: Certificate,
): Certificate {
  const c: Certificate = {
    uuid: newUuid(),
    requestUuid: newUuid(),
    raProfileUuid: profile.uuid,
    state: 'requested',
    request,
    keyUuid: request.keyUuid,
    altKeyUuid: request.altKeyUuid,
    sourceCertificateUuid: source?.uuid,
    v2: true,
  };
  world.certificates.set(c.uuid, c);
  return c;
}

/** What a run left behind that the harness undertakes to undo: its legacy end entities, archived certificates. */
export function residue(world: World): string[] {
  return [
    ...[...world.endEntities.keys()]
      .filter((u) => u.startsWith('certconform-'))
      .map((u) => `legacy end entity ${u} (RA profile ${IDS.legacyRaProfileName})`),
    ...[...world.certificates.values()]
      .filter((c) => c.archived)
      .map((c) => `certificate ${c.uuid} is archived`),
  ];
}
