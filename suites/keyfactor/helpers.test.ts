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
