/** What a target may or may not have; rules needing an absent one skip with the reason. */
export const CAPABILITIES = {
  'https-certificate':
    'a Rekey-capable HTTPS certificate is linked from Managers/{id}/NetworkProtocol (HTTPS.Certificates)',
  'boot-certificate': 'a Rekey-capable Boot certificate is linked from Systems/{id} (Boot.Certificates)',
  'non-https-certificate':
    'a Rekey-capable certificate other than the HTTPS one (LDAP, account, Boot, OEM LDAP client)',
  'action-info': 'the Rekey action names a @Redfish.ActionInfo resource',
  'action-info-range': 'the RekeyActionInfo gives KeyBitLength MinimumValue and MaximumValue',
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
