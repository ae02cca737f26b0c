import type { VariantSpec } from '../../src/core/api.ts';

/** Legitimately different, conforming Redfish services the suite must pass on. */
export const VARIANTS = {
  ami: {
    description:
      'AMI MegaRAC as the seed documents it: Managers/Self and Systems/Self, the five Rekey locations (incl. the OEM LDAP client certificates), synchronous 200 with a `Messages` array and a Task created after the call, KeyBitLength 512..2048 (HTTPS 2048), Oem.Ami.OwnerGuid on Boot certificates, Lighttpd limits on the HTTPS certificate',
    vendor: 'ami',
    expectations: 'fixtures/redfish/expectations/ami.yaml',
  },
  'dmtf-sync': {
    description:
      'DSP0266 service answering Rekey with 200 + RekeyResponse, with RekeyActionInfo (KeyBitLength 2048..4096), Basic and session auth',
    vendor: 'dmtf',
  },
  'dmtf-async': {
    description:
      'DSP0266 service answering Rekey with 202 + task monitor (Location), 202 while running, then 200 + RekeyResponse',
    vendor: 'dmtf',
  },
  'session-only': {
    description: 'DSP0266 service that refuses Basic auth: every request needs a session (X-Auth-Token)',
    vendor: 'dmtf',
  },
  'other-ids': {
    description:
      'DSP0266 service with other resource IDs (Managers/bmc, Systems/system, named certificates and accounts) and no Oem',
    vendor: 'dmtf',
  },
} as const satisfies Record<string, VariantSpec>;

export type Variant = keyof typeof VARIANTS;

export type CertKind = 'https' | 'ldap' | 'account' | 'boot' | 'ldapClient';

/** How a variant lays out and answers; the mock reads only this (plus the faults). */
export interface VariantConfig {
  vendor: 'ami' | 'dmtf';
  managerId: string;
  systemId: string;
  accountIds: { admin: string; operator: string; readOnly: string };
  certIds: Record<CertKind, string>;
  /** AMI's OEM LDAP client certificate collection. */
  amiLdapClient: boolean;
  async: boolean;
  basicAuth: boolean;
  /** Synchronous 200 with the seed's `Messages` array and a Task created after the call. */
  amiMessages: boolean;
  actionInfo: boolean;
  certificateOdataType: string;
  keyBits: { default: number; min: number; max: number; httpsMin: number };
  algorithms: readonly string[];
}

const AMI_KEYS = { default: 2048, min: 512, max: 2048, httpsMin: 2048 };
const DMTF_KEYS = { default: 2048, min: 2048, max: 4096, httpsMin: 2048 };

const dmtf: VariantConfig = {
  vendor: 'dmtf',
  managerId: 'BMC',
  systemId: '437XR1138R2',
  accountIds: { admin: '1', operator: '2', readOnly: '3' },
  certIds: { https: '1', ldap: '1', account: '1', boot: '1', ldapClient: '1' },
  amiLdapClient: false,
  async: false,
  basicAuth: true,
  amiMessages: false,
  actionInfo: true,
  certificateOdataType: '#Certificate.v1_11_0.Certificate',
  keyBits: DMTF_KEYS,
  algorithms: ['TPM_ALG_RSA'],
};

export const VARIANT_CONFIG: Record<Variant, VariantConfig> = {
  ami: {
    vendor: 'ami',
    managerId: 'Self',
    systemId: 'Self',
    accountIds: { admin: '1', operator: '2', readOnly: '3' },
    certIds: { https: '1', ldap: '1', account: '1', boot: '1', ldapClient: '1' },
    amiLdapClient: true,
    async: false,
    basicAuth: true,
    amiMessages: true,
    actionInfo: false,
    certificateOdataType: '#Certificate.v1_5_0.Certificate',
    keyBits: AMI_KEYS,
    algorithms: [],
  },
  'dmtf-sync': dmtf,
  'dmtf-async': { ...dmtf, async: true },
  'session-only': { ...dmtf, basicAuth: false },
  'other-ids': {
    ...dmtf,
    managerId: 'bmc',
    systemId: 'system',
    accountIds: { admin: 'root', operator: 'operator', readOnly: 'auditor' },
    certIds: { https: 'server', ldap: 'ldap-ca', account: 'client-auth', boot: 'db-0', ldapClient: 'client' },
    actionInfo: false,
  },
};

/** The mock's accounts (TEST ONLY credentials). */
export const MOCK_ACCOUNTS = {
  admin: { username: 'admin', password: 'admin-Passw0rd!', role: 'Administrator' },
  operator: { username: 'operator', password: 'operator-Passw0rd!', role: 'Operator' },
  readOnly: { username: 'readonly', password: 'readonly-Passw0rd!', role: 'ReadOnly' },
} as const;
