import type { SourceInfo } from '../../src/core/api.ts';

/** Every document the oracle-sbc rules cite (pinned copies under specs/oracle-sbc/). */
export const SOURCES = {
  'oracle-generate-request': {
    title:
      'Oracle Communications SBC REST API: PUT /rest/{version}/configuration/certificates/generateRequest',
    version: 'REST v1.2 (SBC 9.3.0 documentation page, same text in 8.4.0 and 10.0.0)',
    url: 'https://docs.oracle.com/en/industries/communications/session-border-controller/9.3.0/rest/op-rest-version-configuration-certificates-generaterequest-put.html',
    local: 'specs/oracle-sbc/generate-request.txt',
  },
  'sbc-notes': {
    title:
      'Structured notes on the Oracle SBC REST API v1.2 (transport, auth, lock, certificates, management), with the Oracle pages they come from',
    version: 'REST v1.2 (SBC 8.2.0 to 10.1.0 documentation)',
    url: 'https://docs.oracle.com/en/industries/communications/session-border-controller/10.1.0/rest/',
    local: 'specs/oracle-sbc/NOTES.md',
  },
} as const satisfies Record<string, SourceInfo>;

export type Source = keyof typeof SOURCES;
