import type { SourceInfo } from '../../src/core/api.ts';

/** Documents the CZERTAINLY rules cite. Pinned copies live in specs/czertainly/. */
export const SOURCES = {
  seed: {
    title: 'CZERTAINLY Client Operations API reference (rendered v2 and legacy operations)',
    version: '2.17.0',
    url: 'https://api.otilm.com/2.17.0/doc-openapi-core-client-operations.html',
    local: 'specs/czertainly/client-operations-reference.2.17.0.txt',
  },
  'openapi-v2': {
    title: 'Client Operations v2 API (OpenAPI 3.1)',
    version: '2.17.0',
    url: 'https://github.com/CZERTAINLY/CZERTAINLY-Interface-Documentation/blob/7a3552c52cc28abdf934da78ec18f53cd714ce73/2.17.0/doc-openapi-core-client-operations-v2.yaml',
    local: 'specs/czertainly/doc-openapi-core-client-operations-v2.2.17.0.yaml',
  },
  'openapi-legacy': {
    title: 'Legacy Client Operations API (OpenAPI 3.1)',
    version: '2.17.0',
    url: 'https://github.com/CZERTAINLY/CZERTAINLY-Interface-Documentation/blob/7a3552c52cc28abdf934da78ec18f53cd714ce73/2.17.0/doc-openapi-core-client-operations-legacy.yaml',
    local: 'specs/czertainly/doc-openapi-core-client-operations-legacy.2.17.0.yaml',
  },
  'openapi-certificate': {
    title: 'Core Certificate Inventory API (OpenAPI 3.1)',
    version: '2.17.0',
    url: 'https://github.com/CZERTAINLY/CZERTAINLY-Interface-Documentation/blob/7a3552c52cc28abdf934da78ec18f53cd714ce73/2.17.0/doc-openapi-core-certificate.yaml',
    local: 'specs/czertainly/doc-openapi-core-certificate.2.17.0.yaml',
  },
  rfc5280: {
    title: 'RFC 5280 Internet X.509 PKI Certificate and CRL Profile',
    url: 'https://www.rfc-editor.org/rfc/rfc5280',
  },
  'core-impl': {
    title: 'CZERTAINLY-Core implementation (ClientOperationServiceImpl v2 and v1, ExceptionHandlingAdvice)',
    version: 'cad4432ae86ed8b424b8392073f1722ef3eaf70d',
    url: 'https://github.com/CZERTAINLY/CZERTAINLY-Core/tree/cad4432ae86ed8b424b8392073f1722ef3eaf70d/src/main/java/com/czertainly/core',
  },
} as const satisfies Record<string, SourceInfo>;

export type Source = keyof typeof SOURCES;
