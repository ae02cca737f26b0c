import type { VariantSpec } from '../../src/core/api.ts';
import type { Capability } from '../../suites/redfish/capabilities.ts';

/** What every variant has unless it says otherwise (the self-test fails when a rule needing these skips). */
const ALL: readonly Capability[] = [
  'rekey',
  'https-certificate',
  'https-rekey',
  'boot-certificate',
  'non-https-certificate',
  'basic-auth',
  'sessions',
  'read-only-account',
  'operator-account',
  'task-service',
  'replace-certificate',
  'https-transport',
];
const without = (...caps: Capability[]) => ALL.filter((c) => !caps.includes(c));
const ACTION_INFO: readonly Capability[] = ['action-info', 'action-info-range'];

/** Legitimately different, conforming Redfish services the suite must pass on. */
export const VARIANTS = {
  ami: {
    description:
      'AMI MegaRAC as the seed documents it: Managers/Self and Systems/Self, the five Rekey locations (incl. the OEM LDAP client certificates), synchronous 200 with a `Messages` array and a Task created after the call, KeyBitLength 512..2048 (HTTPS 2048), Oem.Ami.OwnerGuid on Boot certificates, Lighttpd limits on the HTTPS certificate',
    vendor: 'ami',
    expectations: 'fixtures/redfish/expectations/ami.yaml',
    capabilities: ALL,
  },
  'ami-async': {
    description:
      'AMI MegaRAC that completes Rekey the DSP0266 way: 202 + a Task and its task monitor (Location), then 200 + RekeyResponse; the vendor rules about the Task hold here as well',
    vendor: 'ami',
    capabilities: ALL,
  },
  'ami-subset': {
    description:
      'AMI MegaRAC with only some of the documented Rekey locations and other IDs: no Boot certificates, no OEM LDAP client collection, certificate IDs other than 1',
    vendor: 'ami',
    expectations: 'fixtures/redfish/expectations/ami.yaml',
    capabilities: without('boot-certificate'),
  },
  'dmtf-sync': {
    description:
      'DSP0266 service answering Rekey with 200 + RekeyResponse, with RekeyActionInfo (KeyBitLength 2048..4096), Basic and session auth',
    vendor: 'dmtf',
    capabilities: [...ALL, ...ACTION_INFO],
  },
  'dmtf-async': {
    description:
      'DSP0266 service answering Rekey with 202 + task monitor (Location, an absolute path), 202 while running, then 200 + RekeyResponse',
    vendor: 'dmtf',
    capabilities: [...ALL, ...ACTION_INFO],
  },
  'session-only': {
    description: 'DSP0266 service that refuses Basic auth: every request needs a session (X-Auth-Token)',
    vendor: 'dmtf',
    capabilities: [...without('basic-auth'), ...ACTION_INFO],
  },
  'sessions-disabled': {
    description:
      'DSP0266 service that links SessionService but has it switched off (ServiceEnabled false, POST Sessions 405): Basic auth only',
    vendor: 'dmtf',
    capabilities: [...without('sessions'), ...ACTION_INFO],
  },
  'plain-http': {
    description:
      'DSP0266 service reached over plain HTTP (a lab BMC behind a TLS-terminating proxy): its HTTPS certificate resource exists, but the suite sees no served certificate',
    vendor: 'dmtf',
    capabilities: [...without('https-transport'), ...ACTION_INFO],
  },
  'terse-errors': {
    description:
      'DSP0266 service with terse errors: 400/500 carry only error.code GeneralError and a message, 403/404/405/415 have no body, an unsupported OData-Version is refused with 400 (not 412)',
    vendor: 'dmtf',
    capabilities: [...ALL, ...ACTION_INFO],
  },
  'dmtf-ecdsa': {
    description:
      'DSP0266 service whose certificates have ECDSA P-384 keys (a Rekey that names no KeyPairAlgorithm keeps P-384, its CSR signed with SHA-384; KeyBitLength applies to RSA only), that accepts KeyPairAlgorithm TPM_ALG_ECDSA with KeyCurveId P-256/P-384 and TPM_ALG_RSA, and whose subjects need a UTF8String (O=certconform Prüflabor)',
    vendor: 'dmtf',
    capabilities: [...ALL, ...ACTION_INFO, 'ecdsa-rekey'],
  },
  'no-rekey': {
    description:
      'DSP0266 service that offers no Rekey at all (DSP0266 and the Certificate schema make it optional): its certificates advertise no #Certificate.Rekey, a POST to where the action would be answers 404; ReplaceCertificate is there',
    vendor: 'dmtf',
    capabilities: without('rekey', 'https-rekey', 'boot-certificate', 'non-https-certificate'),
  },
  'other-ids': {
    description:
      'DSP0266 service with other resource IDs (Managers/bmc, Systems/system, named certificates and accounts) and no Oem, that takes ReplaceCertificate\'s CertificateUri only as the schema\'s link object {"@odata.id": …} (as OpenBMC bmcweb: a string URI is refused with 400)',
    vendor: 'dmtf',
    capabilities: ALL,
  },
  'dmtf-async-relative': {
    description:
      "as dmtf-async, but the 202's Location is a URI reference relative to the action's URI (../../../../../TaskService/TaskMonitors/N), which RFC 9110 allows (DMTF's redfishtool cannot follow it)",
    vendor: 'dmtf',
    capabilities: [...ALL, ...ACTION_INFO],
  },
  'expiring-sessions': {
    description:
      'DSP0266 service that refuses Basic auth and ends every session after 25 authenticated requests (as a short SessionService.SessionTimeout or another administrator deleting sessions would): the suite logs in again',
    vendor: 'dmtf',
    capabilities: [...without('basic-auth'), ...ACTION_INFO],
  },
} as const satisfies Record<string, VariantSpec<Capability>>;

export type Variant = keyof typeof VARIANTS;

/** `device`: a device identity certificate under Systems/{id}/Certificates, linked only from CertificateLocations, no Rekey. */
export type CertKind = 'https' | 'ldap' | 'account' | 'boot' | 'ldapClient' | 'device';

/** How a variant lays out and answers; the mock reads only this (plus the faults). */
export interface VariantConfig {
  vendor: 'ami' | 'dmtf';
  managerId: string;
  systemId: string;
  accountIds: { admin: string; operator: string; readOnly: string };
  certIds: Record<CertKind, string>;
  /** AMI's OEM LDAP client certificate collection. */
  amiLdapClient: boolean;
  /** Boot certificates under Systems/{id} (an AMI BMC may lack some of the documented locations). */
  bootCertificates: boolean;
  /** Served over HTTPS (false: plain HTTP, as behind a TLS-terminating proxy). */
  tls: boolean;
  /** SessionService.ServiceEnabled (false: linked but switched off, POST Sessions answers 405). */
  sessionsEnabled: boolean;
  /** A session ends after this many authenticated requests (its token then answers 401). */
  sessionRequests?: number;
  /** Certificates advertise #Certificate.Rekey (false: the service offers no Rekey at all, which is allowed). */
  rekey: boolean;
  async: boolean;
  /** The 202's Location relative to the action's URI (a URI reference, as RFC 9110 allows), not an absolute path. */
  relativeLocation?: boolean;
  /**
   * ReplaceCertificate's CertificateUri only as the schema's link object (OpenBMC bmcweb). Otherwise a string URI is
   * taken too, as iDRAC firmware before 5.00 takes it and sushy's replace_certificate sends it.
   */
  certificateUriLinkOnly?: boolean;
  basicAuth: boolean;
  /** Synchronous 200 with the seed's `Messages` array and a Task created after the call. */
  amiMessages: boolean;
  actionInfo: boolean;
  certificateOdataType: string;
  keyBits: { default: number; min: number; max: number; httpsMin: number };
  /** KeyPairAlgorithm values a Rekey accepts (TCG names; AMI documents none). */
  algorithms: readonly string[];
  /** KeyCurveId values a Rekey with KeyPairAlgorithm TPM_ALG_ECDSA accepts (TCG names). */
  curves: readonly string[];
  /** The certificates' keys, and a Rekey's that names no KeyPairAlgorithm: RSA 2048 (pool) or ECDSA P-384. */
  certKeys: 'rsa' | 'ec-p384';
  /** The certificates' Organization: an ASCII one, or one that needs a UTF8String. */
  organization: string;
  /** Errors with no Base message of their own and no body where DSP0266 does not demand one. */
  terseErrors: boolean;
}

const AMI_KEYS = { default: 2048, min: 512, max: 2048, httpsMin: 2048 };
const DMTF_KEYS = { default: 2048, min: 2048, max: 4096, httpsMin: 2048 };

const dmtf: VariantConfig = {
  vendor: 'dmtf',
  managerId: 'BMC',
  systemId: '437XR1138R2',
  accountIds: { admin: '1', operator: '2', readOnly: '3' },
  certIds: { https: '1', ldap: '1', account: '1', boot: '1', ldapClient: '1', device: '1' },
  amiLdapClient: false,
  bootCertificates: true,
  tls: true,
  sessionsEnabled: true,
  rekey: true,
  async: false,
  basicAuth: true,
  amiMessages: false,
  actionInfo: true,
  certificateOdataType: '#Certificate.v1_11_0.Certificate',
  keyBits: DMTF_KEYS,
  algorithms: ['TPM_ALG_RSA'],
  curves: [],
  certKeys: 'rsa',
  organization: 'certconform',
  terseErrors: false,
};

const ami: VariantConfig = {
  vendor: 'ami',
  managerId: 'Self',
  systemId: 'Self',
  accountIds: { admin: '1', operator: '2', readOnly: '3' },
  certIds: { https: '1', ldap: '1', account: '1', boot: '1', ldapClient: '1', device: '1' },
  amiLdapClient: true,
  bootCertificates: true,
  tls: true,
  sessionsEnabled: true,
  rekey: true,
  async: false,
  basicAuth: true,
  amiMessages: true,
  actionInfo: false,
  certificateOdataType: '#Certificate.v1_5_0.Certificate',
  keyBits: AMI_KEYS,
  algorithms: [],
  curves: [],
  certKeys: 'rsa',
  organization: 'certconform',
  terseErrors: false,
};

export const VARIANT_CONFIG: Record<Variant, VariantConfig> = {
  ami,
  'ami-async': { ...ami, async: true, amiMessages: false },
  'ami-subset': {
    ...ami,
    certIds: { https: '2', ldap: '3', account: '4', boot: '5', ldapClient: '6', device: '7' },
    amiLdapClient: false,
    bootCertificates: false,
  },
  'dmtf-sync': dmtf,
  'dmtf-async': { ...dmtf, async: true },
  'session-only': { ...dmtf, basicAuth: false },
  'expiring-sessions': { ...dmtf, basicAuth: false, sessionRequests: 25 },
  'sessions-disabled': { ...dmtf, sessionsEnabled: false },
  'plain-http': { ...dmtf, tls: false },
  'terse-errors': { ...dmtf, terseErrors: true },
  'no-rekey': { ...dmtf, rekey: false, actionInfo: false },
  'dmtf-ecdsa': {
    ...dmtf,
    certKeys: 'ec-p384',
    algorithms: ['TPM_ALG_RSA', 'TPM_ALG_ECDSA'],
    curves: ['TPM_ECC_NIST_P256', 'TPM_ECC_NIST_P384'],
    organization: 'certconform Prüflabor',
  },
  'other-ids': {
    ...dmtf,
    managerId: 'bmc',
    systemId: 'system',
    accountIds: { admin: 'root', operator: 'operator', readOnly: 'auditor' },
    certIds: {
      https: 'server',
      ldap: 'ldap-ca',
      account: 'client-auth',
      boot: 'db-0',
      ldapClient: 'client',
      device: 'identity',
    },
    actionInfo: false,
    certificateUriLinkOnly: true,
  },
  'dmtf-async-relative': { ...dmtf, async: true, relativeLocation: true },
};

/** The mock's accounts (TEST ONLY credentials). */
export const MOCK_ACCOUNTS = {
  admin: { username: 'admin', password: 'admin-Passw0rd!', role: 'Administrator' },
  operator: { username: 'operator', password: 'operator-Passw0rd!', role: 'Operator' },
  readOnly: { username: 'readonly', password: 'readonly-Passw0rd!', role: 'ReadOnly' },
} as const;
