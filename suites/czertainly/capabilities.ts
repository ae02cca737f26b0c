/** What a target must offer for some rules; absent capabilities skip those rules with the reason. */
export const CAPABILITIES = {
  'platform-keys':
    'a token profile with at least two platform-managed keys (params.tokenProfileUuid, params.keyUuids)',
  'disposable-key':
    'a platform key the suite may destroy (params.disposableKeyUuid, params.tokenProfileUuid)',
  hybrid:
    'alternative keys for hybrid certificates (params.altTokenProfileUuid, params.altKeyUuids, plus platform-keys)',
  'disabled-ra-profile': 'a disabled RA profile (params.disabledRaProfileUuid)',
  'legacy-v1':
    'the legacy v1 client API, served for an RA profile with an end entity profile (params.legacyRaProfileName, params.legacyRaProfileUuid; probed with listEntities)',
  'ra-profile-name': 'the name of the v2 RA profile (params.raProfileName)',
  authentication: 'the target requires credentials (auth.scheme is not none)',
  'restricted-account': 'an account without certificate-issue permission (accounts.readOnly with a token)',
  'inventory-search':
    'the certificate inventory search filters by serial number (SERIAL_NUMBER; not in the pinned spec, so optional)',
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** How a target's headline names a capability it lacks: "<name>: <the probe's reason>". */
export const CAPABILITY_NAMES: Partial<Record<Capability, string>> = {
  'platform-keys': 'platform-managed keys',
  'disposable-key': 'a platform key to destroy',
  hybrid: 'hybrid certificates (alternative keys)',
  'disabled-ra-profile': 'a disabled RA profile',
  'legacy-v1': 'legacy v1 client API',
  'ra-profile-name': 'the RA profile name',
  authentication: 'authentication',
  'restricted-account': 'a restricted account',
  'inventory-search': 'inventory search by serial number',
};
