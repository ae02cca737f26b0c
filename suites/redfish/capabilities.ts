/** What a target may or may not have; rules needing an absent one skip with the reason. */
export const CAPABILITIES = {
  rekey:
    'a certificate in the documented locations advertises #Certificate.Rekey (DSP0266 and the Certificate schema make it optional)',
  'https-certificate':
    'an HTTPS certificate is linked from Managers/{id}/NetworkProtocol (HTTPS.Certificates)',
  'https-rekey':
    'a Rekey-capable HTTPS certificate is linked from Managers/{id}/NetworkProtocol (HTTPS.Certificates)',
  'boot-certificate': 'a Rekey-capable Boot certificate is linked from Systems/{id} (Boot.Certificates)',
  'non-https-certificate':
    'a Rekey-capable certificate other than the HTTPS one (LDAP, account, Boot, OEM LDAP client)',
  'action-info': 'the Rekey action names a @Redfish.ActionInfo resource',
  'action-info-range': 'the RekeyActionInfo gives KeyBitLength MinimumValue and MaximumValue',
  'ecdsa-rekey':
    'the RekeyActionInfo allows KeyPairAlgorithm TPM_ALG_ECDSA and lists KeyCurveId values (NIST P-256/P-384/P-521)',
  'basic-auth': 'the service accepts HTTP Basic authentication',
  sessions:
    'the service root links a Sessions collection and its SessionService is enabled (X-Auth-Token sessions)',
  'read-only-account': 'the profile names a ReadOnly account (accounts.readOnly)',
  'operator-account': 'the profile names an Operator account (accounts.operator)',
  'task-service': 'the service root links the task service ("Tasks") with a Tasks collection',
  'replace-certificate': 'CertificateService advertises #CertificateService.ReplaceCertificate',
  'https-transport': 'the suite reaches the service over HTTPS, so the certificate it serves can be read',
} as const;

export type Capability = keyof typeof CAPABILITIES;

/** How a target's headline names a capability it lacks: "<name>: <the probe's reason>". */
export const CAPABILITY_NAMES: Record<Capability, string> = {
  rekey: 'Rekey',
  'https-certificate': 'HTTPS certificate resource',
  'https-rekey': 'Rekey of the HTTPS certificate',
  'boot-certificate': 'Rekey of Boot certificates',
  'non-https-certificate': 'Rekey of a certificate other than HTTPS',
  'action-info': 'RekeyActionInfo',
  'action-info-range': 'KeyBitLength range in the RekeyActionInfo',
  'ecdsa-rekey': 'ECDSA keys by Rekey (KeyPairAlgorithm TPM_ALG_ECDSA)',
  'basic-auth': 'HTTP Basic authentication',
  sessions: 'Sessions',
  'read-only-account': 'ReadOnly account',
  'operator-account': 'Operator account',
  'task-service': 'TaskService',
  'replace-certificate': 'ReplaceCertificate',
  'https-transport': 'HTTPS transport',
};
