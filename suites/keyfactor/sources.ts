import type { SourceInfo } from '../../src/core/api.ts';

/** Documents the Keyfactor rules cite. `local` is the pinned copy under specs/keyfactor/. */
export const SOURCES = {
  'kf-doc-renew': {
    title:
      'Keyfactor Command Web API reference: POST Enrollment Renew (seed: keyfactor-enrollment-renew.txt)',
    version: 'Command 10.3 / 11.x documentation',
    url: 'https://software.keyfactor.com/Core-OnPrem/v10.3/Content/WebAPI/KeyfactorAPI/EnrollmentPOSTRenew.htm',
    local: 'specs/keyfactor/keyfactor-enrollment-renew.txt',
  },
  'kf-openapi': {
    title: 'Keyfactor-v1 OpenAPI (Keyfactor/keyfactor-java-client-sdk api/openapi.yaml)',
    version: 'v1 @ 3771f4a6e608c6f236e901845a04b60ad20ac45d',
    url: 'https://github.com/Keyfactor/keyfactor-java-client-sdk/blob/3771f4a6e608c6f236e901845a04b60ad20ac45d/api/openapi.yaml',
    local: 'specs/keyfactor/keyfactor-command-v1.openapi.yaml',
  },
  'kf-doc-available-renewal': {
    title: 'Keyfactor Command Web API reference: GET Enrollment Available Renewal ID / Thumbprint',
    version: 'Command 10.3 / 11.x documentation',
    url: 'https://software.keyfactor.com/Core-OnPrem/v10.3/Content/WebAPI/KeyfactorAPI/EnrollmentGETAvailableRenewalID.htm',
  },
  'kf-doc-common': {
    title:
      'Keyfactor Command Web API reference: Endpoint Common Features (headers, authentication, permissions)',
    version: 'Command 10.3 / 11.x documentation',
    url: 'https://software.keyfactor.com/Core-OnPrem/v10.3/Content/WebAPI/Web%20API%20Common%20Features.htm',
  },
  'kf-clients': {
    title:
      'Public Keyfactor Command clients: Keyfactor/keyfactor-go-client v3 error handling (Message/ErrorCode bodies), and a Command error answer recorded verbatim in a public Python integration (command_v11_client)',
    version: 'keyfactor-go-client @ 0fd1a9633383f9e3b48a12a58b8ac9203fd33532',
    url: 'https://github.com/Keyfactor/keyfactor-go-client/blob/0fd1a9633383f9e3b48a12a58b8ac9203fd33532/v3/api/client.go',
  },
  rfc5280: {
    title: 'RFC 5280 Internet X.509 PKI Certificate and CRL Profile',
    url: 'https://www.rfc-editor.org/rfc/rfc5280',
  },
  rfc7292: {
    title: 'RFC 7292 PKCS #12: Personal Information Exchange Syntax v1.1',
    url: 'https://www.rfc-editor.org/rfc/rfc7292',
  },
} as const satisfies Record<string, SourceInfo>;

export type Source = keyof typeof SOURCES;
