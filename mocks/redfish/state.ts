import type { TestCa } from '../../src/pki/ca.ts';
import type { KeyPool } from '../../src/pki/keys.ts';
import type { x509 } from '../../src/pki/x509.ts';
import { AMI_BOOT_OWNER_GUID } from './ami.ts';
import { generateEcKey, issue, takeKey, type HeldKey } from './certs.ts';
import type { Fault } from './faults.ts';
import type { CertKind, VariantConfig } from './variants.ts';

export const U = '/redfish/v1';

export type Role = 'Administrator' | 'Operator' | 'ReadOnly';
export interface User {
  username: string;
  role: Role;
}

export interface Session {
  id: string;
  user: User;
  /** Authenticated requests made with it so far. */
  uses?: number;
}

export interface MockCert {
  kind: CertKind;
  id: string;
  uri: string;
  collection: string;
  name: string;
  keyUsage: string[];
  cert: x509.X509Certificate;
  key: HeldKey | undefined;
  pending?: HeldKey;
  ownerGuid?: string;
  busy?: boolean;
  /** Advertises no #Certificate.Rekey (and a POST to where it would be answers 404). */
  noRekey?: boolean;
}

export interface MockTask {
  id: string;
  uri: string;
  monitor: string;
  kind: CertKind;
  start: Date;
  endTime?: Date;
  reads: number;
  final: { status: number; body?: unknown };
  payload: Record<string, unknown>;
  monitorReads: number;
}

/** Everything one running mock holds in memory: where its resources live and what they are now. */
export interface RedfishState {
  managerUri: string;
  systemUri: string;
  accountUri: (id: string) => string;
  collections: Record<CertKind, string>;
  /** The certificate collections this variant has. */
  kinds: CertKind[];
  /** Certificates by URI. */
  certs: Map<string, MockCert>;
  /** Open sessions by token. */
  sessions: Map<string, Session>;
  /** Tasks by id. */
  tasks: Map<string, MockTask>;
  /** The ids the next Task and Session get. */
  next: { task: number; session: number };
}

const SUBJECTS: Record<CertKind, (o: string) => string> = {
  https: (o) => `CN=bmc.example.test, O=${o}, OU=Redfish mock, C=US`,
  ldap: (o) => `CN=ldap.example.test, O=${o}, C=US`,
  account: (o) => `CN=admin, O=${o}, C=US`,
  boot: (o) => `CN=UEFI db signer, O=${o}, C=US`,
  ldapClient: (o) => `CN=ldap-client.example.test, O=${o}, C=US`,
  device: (o) => `CN=device identity, O=${o}, OU=Redfish mock, C=US`,
};

/** The resource layout comes from the variant (never assumed by the suite); each certificate gets a fresh key. */
export async function createState(
  cfg: VariantConfig,
  has: (f: Fault) => boolean,
  ca: TestCa,
  pool: KeyPool,
): Promise<RedfishState> {
  const managerUri = `${U}/Managers/${cfg.managerId}`;
  const systemUri = `${U}/Systems/${cfg.systemId}`;
  const accountUri = (id: string) => `${U}/AccountService/Accounts/${id}`;
  const collections: Record<CertKind, string> = {
    https: `${managerUri}/NetworkProtocol/HTTPS/Certificates`,
    boot: `${systemUri}/Boot/Certificates`,
    ldap: `${U}/AccountService/LDAP/Certificates`,
    ldapClient: `${U}/AccountService/LDAP/Certificates/Oem/${has('ami-ldap-client-other-oem') ? 'Megarac' : 'Ami'}/ClientCertificates`,
    account: `${accountUri(cfg.accountIds.admin)}/${has('certificate-uri-nonstandard') ? 'Keys' : 'Certificates'}`,
    device: `${systemUri}/Certificates`,
  };
  const kinds: CertKind[] = ['https', 'ldap', 'account'];
  if (cfg.bootCertificates) kinds.push('boot');
  if (cfg.amiLdapClient) kinds.push('ldapClient');
  // A device identity certificate, linked only from CertificateLocations and without Rekey (as on many servers).
  kinds.push('device');

  const certs = new Map<string, MockCert>();
  for (const kind of kinds) {
    // The device identity certificate stays RSA on an ECDSA service: a service may mix key types.
    const key =
      cfg.certKeys === 'ec-p384' && kind !== 'device'
        ? await generateEcKey('P-384')
        : await takeKey(pool, 2048);
    const id = cfg.certIds[kind];
    const cert: MockCert = {
      kind,
      id,
      uri: `${collections[kind]}/${id}`,
      collection: collections[kind],
      name: `${kind} certificate`,
      keyUsage:
        kind === 'https'
          ? ['KeyEncipherment', 'ServerAuthentication']
          : kind === 'boot' || kind === 'device'
            ? ['DigitalSignature']
            : ['DigitalSignature', 'ClientAuthentication'],
      cert: await issue(ca, SUBJECTS[kind](cfg.organization), key, { server: kind === 'https' }),
      key,
      ...(!cfg.rekey || kind === 'device' ? { noRekey: true } : {}),
    };
    if (kind === 'boot' && cfg.vendor === 'ami') cert.ownerGuid = AMI_BOOT_OWNER_GUID;
    certs.set(cert.uri, cert);
  }
  if (has('ami-certificate-without-rekey')) {
    // A second LDAP CA certificate, at a location where the vendor documents Rekey, that does not offer it.
    const key = await takeKey(pool, 2048);
    const uri = `${collections.ldap}/${cfg.certIds.ldap}0`;
    certs.set(uri, {
      kind: 'ldap',
      id: `${cfg.certIds.ldap}0`,
      uri,
      collection: collections.ldap,
      name: 'ldap certificate without Rekey',
      keyUsage: ['DigitalSignature', 'ClientAuthentication'],
      cert: await issue(ca, 'CN=ldap2.example.test, O=certconform, C=US', key),
      key,
      noRekey: true,
    });
  }
  return {
    managerUri,
    systemUri,
    accountUri,
    collections,
    kinds,
    certs,
    sessions: new Map(),
    tasks: new Map(),
    next: { task: 1, session: 1 },
  };
}
