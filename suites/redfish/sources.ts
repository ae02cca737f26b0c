import type { SourceInfo } from '../../src/core/api.ts';

/** Every document a Redfish rule cites. Pinned copies live under specs/redfish/. */
export const SOURCES = {
  seed: {
    title: 'AMI MegaRAC "POST – Certificate Rekey" (as published for Lenovo ThinkSystem System Manager)',
    url: 'https://pubs.lenovo.com/tsm/post_certificate_rekey',
    local: 'specs/redfish/seed/redfish-ami-certificate-rekey.txt',
  },
  'ami-doc': {
    title:
      'Lenovo ThinkSystem System Manager (AMI MegaRAC) "POST – Certificate Rekey", KeyBitLength notes (the part of the vendor page the seed cuts off)',
    url: 'https://pubs.lenovo.com/tsm/post_certificate_rekey',
  },
  dsp0266: {
    title: 'DMTF DSP0266 Redfish Specification',
    version: '1.7.0 (clause titles; unchanged in later versions)',
    url: 'https://www.dmtf.org/dsp/DSP0266',
    local: 'specs/redfish/DSP0266-excerpts.md',
  },
  'certificate-schema': {
    title: 'DMTF Certificate schema',
    version: 'Certificate.v1_11_0 (Redfish 2025.4)',
    url: 'http://redfish.dmtf.org/schemas/v1/Certificate.v1_11_0.json',
    local: 'specs/redfish/schemas/Certificate.v1_11_0.json',
  },
  'certificate-service-schema': {
    title: 'DMTF CertificateService schema',
    version: 'CertificateService.v1_2_1 (Redfish 2025.4)',
    url: 'http://redfish.dmtf.org/schemas/v1/CertificateService.v1_2_1.json',
    local: 'specs/redfish/schemas/CertificateService.v1_2_1.json',
  },
  'task-schema': {
    title: 'DMTF Task schema',
    version: 'Task.v1_7_4 (Redfish 2025.4)',
    url: 'http://redfish.dmtf.org/schemas/v1/Task.v1_7_4.json',
    local: 'specs/redfish/schemas/Task.v1_7_4.json',
  },
  'actioninfo-schema': {
    title: 'DMTF ActionInfo schema',
    version: 'ActionInfo.v1_5_0 (Redfish 2025.4)',
    url: 'http://redfish.dmtf.org/schemas/v1/ActionInfo.v1_5_0.json',
    local: 'specs/redfish/schemas/ActionInfo.v1_5_0.json',
  },
  'error-schema': {
    title: 'DMTF redfish-error schema',
    version: 'redfish-error.v1_0_2',
    url: 'http://redfish.dmtf.org/schemas/v1/redfish-error.v1_0_2.json',
    local: 'specs/redfish/schemas/redfish-error.v1_0_2.json',
  },
  'base-registry': {
    title: 'DMTF Base message registry',
    version: 'Base.1.22.1',
    url: 'https://redfish.dmtf.org/registries/Base.1.22.1.json',
    local: 'specs/redfish/registries/Base.1.22.1.json',
  },
  'privilege-registry': {
    title: 'DMTF Redfish privilege registry',
    version: 'Redfish_1.8.0_PrivilegeRegistry',
    url: 'https://redfish.dmtf.org/registries/Redfish_1.8.0_PrivilegeRegistry.json',
    local: 'specs/redfish/registries/Redfish_1.8.0_PrivilegeRegistry.json',
  },
  rfc2985: {
    title: 'RFC 2985 PKCS #9: Selected Object Classes and Attribute Types',
    url: 'https://www.rfc-editor.org/rfc/rfc2985',
  },
  rfc2986: {
    title: 'RFC 2986 PKCS #10: Certification Request Syntax',
    url: 'https://www.rfc-editor.org/rfc/rfc2986',
  },
  rfc9110: { title: 'RFC 9110 HTTP Semantics', url: 'https://www.rfc-editor.org/rfc/rfc9110' },
} as const satisfies Record<string, SourceInfo>;

export type Source = keyof typeof SOURCES;
