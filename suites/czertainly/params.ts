/** The profile's `params` for a CZERTAINLY target: which objects of the platform the suite works with. */
export interface Params {
  authorityUuid: string;
  raProfileUuid: string;
  raProfileName?: string;
  disabledRaProfileUuid?: string;
  tokenProfileUuid?: string;
  keyUuids?: string[];
  disposableKeyUuid?: string;
  altTokenProfileUuid?: string;
  altKeyUuids?: string[];
  legacyRaProfileName?: string;
  legacyRaProfileUuid?: string;
  legacyAuthorityUuid?: string;
  subjectSuffix?: string;
  csrKeyType?: 'ec-p256' | 'rsa-2048';
  issueAttributes?: unknown[];
  revokeAttributes?: unknown[];
  csrAttributes?: unknown[];
  signatureAttributes?: unknown[];
}

const uuid = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
};
const attributes = { type: 'array', items: { type: 'object' } };

export const paramsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['authorityUuid', 'raProfileUuid'],
  properties: {
    authorityUuid: { ...uuid, description: 'Authority instance the RA profiles belong to' },
    raProfileUuid: { ...uuid, description: 'Enabled RA profile used for every v2 operation' },
    raProfileName: { type: 'string', minLength: 1, description: 'Name of raProfileUuid (legacy-on-v2 rule)' },
    disabledRaProfileUuid: { ...uuid, description: 'A disabled RA profile of the same authority' },
    tokenProfileUuid: { ...uuid, description: 'Token profile holding the platform keys' },
    keyUuids: {
      type: 'array',
      items: uuid,
      minItems: 2,
      description: 'Two or more platform keys (issue and rekey)',
    },
    disposableKeyUuid: { ...uuid, description: 'A platform key the destroyKey rule may destroy' },
    altTokenProfileUuid: { ...uuid, description: 'Token profile of the alternative (hybrid) keys' },
    altKeyUuids: {
      type: 'array',
      items: uuid,
      minItems: 2,
      description: 'Two alternative keys (hybrid rules)',
    },
    legacyRaProfileName: {
      type: 'string',
      minLength: 1,
      description: 'RA profile name served by the legacy v1 API',
    },
    legacyRaProfileUuid: {
      ...uuid,
      description: 'UUID of legacyRaProfileName (end-entity requests carry it)',
    },
    legacyAuthorityUuid: {
      ...uuid,
      description: 'Authority of the legacy RA profile (default: authorityUuid)',
    },
    subjectSuffix: {
      type: 'string',
      description: 'RDNs appended to every generated subject, e.g. "O=Example, C=CZ"',
    },
    csrKeyType: { enum: ['ec-p256', 'rsa-2048'], description: 'Key type of the CSRs the suite generates' },
    issueAttributes: { ...attributes, description: 'RA profile issue attributes sent with every issue' },
    revokeAttributes: { ...attributes, description: 'Revoke attributes sent with every revoke' },
    csrAttributes: {
      ...attributes,
      description:
        'CSR attributes for key-based issue; the string "{{commonName}}" is replaced by a generated CN',
    },
    signatureAttributes: { ...attributes, description: 'Signature attributes for key-based issue and rekey' },
  },
} as const;
