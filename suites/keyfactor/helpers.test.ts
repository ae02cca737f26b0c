import { describe, expect, it } from 'vitest';
import { Violation } from '../../src/core/errors.ts';
import { HttpResponse } from '../../src/http/client.ts';
import { checkRefused, field, idValue, sameName, sameSerial, type Run } from './context.ts';

const run = (refusalStatuses?: number[]) =>
  ({ ctx: { params: refusalStatuses ? { refusalStatuses } : {} } }) as unknown as Run;
const response = (status: number) =>
  new HttpResponse('POST', 'https://cmd/KeyfactorAPI/Enrollment/Renew', status, {}, Buffer.from(''));

describe('keyfactor suite helpers', () => {
  it('reads response fields without regard to case (KeyfactorID vs KeyfactorId)', () => {
    expect(field({ KeyfactorId: 5 }, 'KeyfactorID')).toEqual({ key: 'KeyfactorId', value: 5 });
    expect(field({ KeyfactorID: 5 }, 'keyfactorid')?.value).toBe(5);
    expect(() => field({ KeyfactorID: 1, KeyfactorId: 2 }, 'KeyfactorID')).toThrow(Violation);
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

  it('accepts the default refusal status 400 and names the param in the message', () => {
    expect(() => checkRefused(run(), response(400), 'x')).not.toThrow();
    expect(() => checkRefused(run(), response(422), 'x')).toThrow(
      /expected a refusal with HTTP 400 \(default; .*params\.refusalStatuses\), got 422/,
    );
    expect(() => checkRefused(run([422]), response(422), 'x')).not.toThrow();
    expect(() => checkRefused(run(), response(200), 'x')).toThrow(/got 200 \(accepted\)/);
  });
});
