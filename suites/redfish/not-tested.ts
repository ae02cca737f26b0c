/** Seed and spec statements that are not rules, with the reason (also listed in suites/redfish/README.md). */
export const NOT_TESTED: readonly { statement: string; reason: string }[] = [
  {
    statement:
      'POST https://{{ip}}/redfish/v1/AaccountService/Accounts/{ManagerAccountId}/Certificates/{CertificateId}/Actions/Certificate.Rekey',
    reason:
      'typo in the seed ("AaccountService"); the suite discovers account certificates through AccountService.Accounts links and RF-AMI-007 checks the correctly spelled /AccountService/ form',
  },
  {
    statement:
      'Messages | Array | True | This property shall contain an array of messages associated with the settings.',
    reason:
      'contradicts the DMTF RekeyResponse schema (additionalProperties: false); RF-RESP-002 fails it and the ami variant lists that as a documented deviation; RF-AMI-009 only checks that the messages name the Task',
  },
  {
    statement: '"KeyBitLength": 512 (request example) on the HTTPS certificate',
    reason:
      'contradicts "Min server public key and private key size is 2048"; RF-AMI-005 expects 512 refused on HTTPS and RF-AMI-002 expects it accepted on the other certificates',
  },
  {
    statement:
      'ChallengePassword: The challenge password to apply to the certificate for revocation requests.',
    reason:
      'revocation with the password happens at the CA, outside the BMC; RF-CSR-007 checks the password reaches the CSR',
  },
  {
    statement: 'please check the certificate signing result in TaskService',
    reason:
      'the vendor does not document what the Task reports as "signing result"; RF-AMI-008/009 check the Task exists and is named, RF-TASK-* check the Task itself and RF-TASK-007 its TaskMonitor (after a 200 as after a 202)',
  },
  {
    statement: 'KeyPairAlgorithm / KeyCurveId (schema parameters) without a RekeyActionInfo that lists them',
    reason:
      'which algorithms and curves a service supports is its choice; RF-CSR-010 requests each NIST curve the RekeyActionInfo allows with TPM_ALG_ECDSA (capability ecdsa-rekey), RF-REQ-015 checks non-TCG names are refused, and a service that lists nothing is not asked for EC keys (AMI documents RSA only)',
  },
  {
    statement: 'Which key-pair algorithm a Rekey that names no KeyPairAlgorithm uses',
    reason:
      'the schema leaves it to the service ("if needed based on the KeyPairAlgorithm"); RF-CSR-005 holds only RSA CSRs to KeyBitLength, a certificate with an EC key may keep its curve (variant dmtf-ecdsa)',
  },
  {
    statement: 'An AMI BMC offers Rekey at all (its certificate collections exist)',
    reason:
      'the seed documents Rekey for the certificates of five collections; RF-AMI-015 fails a certificate there that does not advertise it, but a BMC without any of these certificates has nothing to rekey (every Rekey rule skips: capability rekey)',
  },
  {
    statement: 'Task cancellation through DELETE on the task monitor (DSP0266 Asynchronous operations)',
    reason: 'a Rekey completes in seconds and cancellation is optional; not attempted',
  },
  {
    statement:
      'After two Rekeys only the latest private key is kept (a certificate for the first CSR is refused)',
    reason:
      'neither DSP0266 nor the vendor documents which pending key survives; RF-CONC-001 only checks that overlapping Rekeys end well',
  },
  {
    statement: 'Restoring the original HTTPS certificate after RF-E2E-* / RF-AMI-010..014',
    reason:
      'impossible through the API: the original private key never leaves the device; the suite leaves a test-CA certificate with the same subject and names',
  },
  {
    statement:
      'The five Rekey locations of the seed (account, HTTPS, Boot, LDAP, OEM LDAP client) all exist on every AMI BMC',
    reason:
      'the seed lists where Rekey can be called, not that a BMC has each collection; RF-AMI-007 checks the URI form of the locations present and notes the missing ones (variant ami-subset)',
  },
  {
    statement: 'A Rekey body sent with another Content-Type (text/plain) is refused (415)',
    reason:
      'DSP0266 only says services shall accept application/json (RF-REQ-007) and that "other values can cause an error": a service may accept them; was RF-REQ-008',
  },
];
