import { describe, expect, it } from 'vitest';
import { Violation } from '../../src/core/errors.ts';
import { HttpResponse } from '../../src/http/client.ts';
import { expectErrorMessage, expectMessageList, expectRefused } from './lib/expect.ts';
import { normSerial, sameName } from './lib/pki.ts';
import { validateDto } from './lib/schema.ts';

const res = (status: number, body: string, type = 'application/json') =>
  new HttpResponse('POST', 'https://x/api/v2/op', status, { 'content-type': type }, Buffer.from(body));

describe('czertainly helpers', () => {
  it('compares names by attributes, not by formatting', () => {
    expect(sameName('CN=a, O=b, C=CZ', 'C=CZ,O=b,CN=a')).toBe(true);
    expect(sameName('CN=a, O=b', 'CN=a, O=c')).toBe(false);
  });

  it('normalises serial numbers', () => {
    expect(normSerial('00AB:cd')).toBe('abcd');
  });

  it('holds 422 answers to a list of strings and 400/404 answers to {message}', () => {
    expect(expectMessageList(res(422, '["bad"]'), 'x')).toEqual(['bad']);
    expect(() => expectMessageList(res(422, '{"message":"bad"}'), 'x')).toThrow(Violation);
    expect(expectErrorMessage(res(404, '{"message":"gone"}'), 404, 'x')).toBe('gone');
    expect(() => expectErrorMessage(res(404, 'gone', 'text/plain'), 404, 'x')).toThrow(Violation);
  });

  it('treats only documented refusals as refusals', () => {
    expect(() => expectRefused(res(400, '{"message":"no"}'), 'x')).not.toThrow();
    expect(() => expectRefused(res(422, '["no"]'), 'x')).not.toThrow();
    expect(() => expectRefused(res(200, '{"uuid":"u"}'), 'x')).toThrow(/expected the request to be refused/);
    expect(() => expectRefused(res(500, '{"message":"boom"}'), 'x')).toThrow(Violation);
  });
});

describe('czertainly schemas', () => {
  const detail = {
    uuid: '5d0c6a52-1f6b-4d7e-9a1b-2c3d4e5f6a7b',
    commonName: 'a',
    subjectDn: 'CN=a',
    keySize: 256,
    publicKeyAlgorithm: 'ECDSA',
    hybridCertificate: false,
    privateKeyAvailability: false,
    certificateType: 'X.509',
    complianceStatus: 'na',
    validationStatus: 'valid',
    state: 'issued',
    notAfter: '2027-01-01T10:00:00.000+00:00',
  };

  it('judges an answer by the schema of its DTO', () => {
    expect(validateDto('ClientCertificateDataResponseDto', { uuid: 'u', certificateData: '' })).toEqual([]);
    expect(validateDto('ClientCertificateDataResponseDto', { uuid: 'u', certificateData: {} })).toEqual([
      '/certificateData: must be string',
    ]);
    expect(validateDto('CertificateDetailDto', detail)).toEqual([]);
    expect(validateDto('CertificateDetailDto', { ...detail, state: 'processing' })[0]).toMatch(
      /^\/state: must be one of/,
    );
    expect(validateDto('CertificateDetailDto', { ...detail, notAfter: '2027-01-01 10:00:00' })).toEqual([
      '/notAfter: must match format "date-time"',
    ]);
  });

  it('reads a null optional field as absent and a null required one as missing', () => {
    expect(validateDto('CertificateDetailDto', { ...detail, issuerDn: null, serialNumber: null })).toEqual(
      [],
    );
    expect(validateDto('CertificateDetailDto', { ...detail, subjectDn: null })).toEqual([
      '/subjectDn: required, missing',
    ]);
  });

  it('picks a discriminated schema by its property and takes any kind of an undiscriminated oneOf', () => {
    const attribute = {
      uuid: 'b11c9be1-b619-4ef5-be1b-a1cd9ef265b7',
      name: 'email',
      label: 'E-mail',
      type: 'data',
      contentType: 'string',
      version: 'v2',
      content: [{ data: 'a@example.net' }],
    };
    // String and text content have the same shape: an exclusive oneOf would refuse every string.
    expect(validateDto('CertificateDetailDto', { ...detail, issueAttributes: [attribute] })).toEqual([]);
    expect(
      validateDto('CertificateDetailDto', {
        ...detail,
        issueAttributes: [{ ...attribute, version: 'v9' }],
      })[0],
    ).toMatch(/version: must be one of v2, v3/);
  });
});
