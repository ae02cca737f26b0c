import { describe, expect, it } from 'vitest';
import { Violation } from '../../src/core/errors.ts';
import { HttpResponse } from '../../src/http/client.ts';
import { createHash } from 'node:crypto';
import {
  checkRefused,
  field,
  idValue,
  isSerialOf,
  isThumbprintOf,
  sameName,
  sameSerial,
  type Run,
} from './context.ts';
import { MODELS, validateModel } from './models/openapi.ts';
import { endpointKey, isRouteMissing, lists, OPERATIONS, parseEndpoints } from './operations.ts';

const run = (refusalStatuses?: number[]) =>
  ({ ctx: { params: refusalStatuses ? { refusalStatuses } : {} } }) as unknown as Run;
const response = (status: number) =>
  new HttpResponse('POST', 'https://cmd/KeyfactorAPI/Enrollment/Renew', status, {}, Buffer.from(''));

describe('keyfactor suite helpers', () => {
  it('reads response fields without regard to case (KeyfactorID vs KeyfactorId)', () => {
    expect(field({ KeyfactorId: 5 }, 'KeyfactorID')).toEqual({ key: 'KeyfactorId', value: 5 });
    expect(field({ KeyfactorID: 5 }, 'keyfactorid')?.value).toBe(5);
    expect(() => field({ KeyfactorID: 1, KeyfactorId: 2 }, 'KeyfactorID')).toThrow(Violation);
    expect(field({ KeyfactorID: 1, KeyfactorId: 1 }, 'KeyfactorID')?.value).toBe(1);
    expect(idValue({ KeyfactorID: '12' }, 'KeyfactorId')).toBe(12);
    expect(idValue({ KeyfactorID: 'x' }, 'KeyfactorId')).toBeUndefined();
  });

  it('compares distinguished names as attribute sets', () => {
    expect(sameName('CN=a, O=b', 'O=b, CN=a')).toBe(true);
    expect(sameName('CN=a, O=b', 'CN=a, O=b, OU=c')).toBe(false);
  });

  it('compares serial numbers as hex, ignoring case, separators and leading zeros', () => {
    expect(sameSerial('00AB:cd', 'abcd')).toBe(true);
    expect(sameSerial('1765128802', '0153F391')).toBe(false);
  });

  it('reads an answered serial number as hex or decimal', () => {
    expect(isSerialOf('0153f391', '0153F391')).toBe(true);
    expect(isSerialOf(String(0x0153f391), '0153F391')).toBe(true);
    expect(isSerialOf('1765128802', '0153F391')).toBe(false);
  });

  it('accepts a SHA-1 or SHA-256 thumbprint of the DER, in any case', () => {
    const der = Buffer.from('certificate');
    const digest = (alg: string) => createHash(alg).update(der).digest('hex');
    expect(isThumbprintOf(digest('sha1'), der)).toBe(true);
    expect(isThumbprintOf(digest('sha256').toUpperCase(), der)).toBe(true);
    expect(isThumbprintOf(digest('md5'), der)).toBe(false);
    expect(isThumbprintOf(undefined, der)).toBe(false);
  });

  it('accepts any 4xx refusal by default, and only the listed statuses when the profile names them', () => {
    expect(() => checkRefused(run(), response(400), 'x')).not.toThrow();
    expect(() => checkRefused(run(), response(422), 'x')).not.toThrow();
    expect(() => checkRefused(run(), response(200), 'x')).toThrow(
      /expected a 4xx refusal .*got 200 \(accepted\)/,
    );
    expect(() => checkRefused(run([400]), response(422), 'x')).toThrow(
      /expected HTTP 400 \(params\.refusalStatuses\), got 422/,
    );
    expect(() => checkRefused(run([422]), response(422), 'x')).not.toThrow();
    expect(() => checkRefused(run([400]), response(403), 'x', [403])).not.toThrow();
  });
});

describe('not served or not found (one cause, one finding)', () => {
  const answer = (status: number, body: string) =>
    new HttpResponse('GET', 'https://cmd/KeyfactorAPI/Certificates/5', status, {}, Buffer.from(body));

  it("tells Web API's missing route from Command's answer about a record or a permission", () => {
    const noRoute = `{"Message":"No HTTP resource was found that matches the request URI 'https://cmd/KeyfactorAPI/X'."}`;
    expect(isRouteMissing(answer(404, noRoute))).toBe(true);
    expect(isRouteMissing(answer(404, '<html><body>404 - File or directory not found.</body></html>'))).toBe(
      true,
    );
    expect(isRouteMissing(answer(404, ''))).toBe(true);
    expect(
      isRouteMissing(
        answer(404, '{"ErrorCode":"0xA0110016","Message":"Certificate with ID 5 could not be found."}'),
      ),
    ).toBe(false);
    expect(isRouteMissing(answer(404, '{"ErrorCode":"0xA0110021","Message":"User x may not."}'))).toBe(false);
    expect(isRouteMissing(answer(404, 'Certificate with ID 5 could not be found.'))).toBe(false);
    expect(isRouteMissing(answer(400, noRoute))).toBe(false);
  });

  it('reads GET /Status/Endpoints entries, with or without the base path', () => {
    const listed = parseEndpoints(['GET /Certificates/#', 'POST /KeyfactorAPI/Enrollment/PFX/'])!;
    expect(lists(listed, OPERATIONS.certificate)).toBe(true);
    expect(lists(listed, OPERATIONS.pfx)).toBe(true);
    expect(lists(listed, OPERATIONS.replace)).toBe(false);
    expect(endpointKey('get /Enrollment/AvailableRenewal/Id/{id}')).toBe(
      endpointKey(OPERATIONS.availableRenewalById.entry),
    );
    // Not a list of endpoints: the suite cannot tell, and assumes every operation is offered.
    expect(parseEndpoints({ Endpoints: [] })).toBeUndefined();
    expect(parseEndpoints(['Certificates'])).toBeUndefined();
  });
});

describe('OpenAPI models', () => {
  it('match field names without regard to case and give the place of each departure', () => {
    expect(validateModel({ KeyfactorID: 5, KeyfactorRequestID: 7, IssuerDN: null }, MODELS.renewal)).toEqual(
      [],
    );
    expect(validateModel({ KeyfactorId: '5', Thumbprint: null }, MODELS.renewal)).toEqual([
      '/KeyfactorId: expected an integer (int32), got "5"',
      '/Thumbprint: expected a string (not nullable), got null',
    ]);
    expect(validateModel({ KeyfactorID: 5, KeyfactorId: 6 }, MODELS.renewal)[0]).toMatch(
      /KeyfactorID and KeyfactorId: one field in two casings/,
    );
    expect(
      validateModel({ CertificateInformation: { KeyfactorId: 1.5 }, Metadata: { a: 1 } }, MODELS.pfx),
    ).toEqual([
      '/CertificateInformation/KeyfactorId: expected an integer (int32), got 1.5',
      '/Metadata/a: expected a string, got 1',
    ]);
  });

  it('read certificate records as Command writes them: hex thumbprints and serials, RFC 3339 dates', () => {
    const record = {
      Id: 5,
      Thumbprint: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      SerialNumber: '6100000012A3B4C5D6E7F80000000012A3',
      ContentBytes: 'MIIB',
      NotAfter: '2026-05-19T16:23:01.1234567Z',
      Locations: [{ CertStoreId: '3b8e5a2c-1d4f-4c6a-9e21-5f0b7a9c1d01', StoreType: 104 }],
    };
    expect(validateModel(record, MODELS.certificate)).toEqual([]);
    expect(
      validateModel(
        {
          ...record,
          NotAfter: '5/19/2026 4:23:01 PM',
          ContentBytes: 'A1B',
          Locations: [{ CertStoreId: 'x' }],
        },
        MODELS.certificate,
      ),
    ).toEqual([
      '/ContentBytes: expected base64 (format: byte), got "A1B"',
      '/NotAfter: expected an RFC 3339 date-time (format: date-time), got "5/19/2026 4:23:01 PM"',
      '/Locations/0/CertStoreId: expected a UUID (format: uuid), got "x"',
    ]);
    expect(validateModel({ AvailableRenewalType: 3 }, MODELS.availableRenewal)).toEqual([
      '/AvailableRenewalType: expected one of 0, 1, 2, got 3',
    ]);
  });
});
