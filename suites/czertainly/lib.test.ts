import { describe, expect, it } from 'vitest';
import { Violation } from '../../src/core/errors.ts';
import { HttpResponse } from '../../src/http/client.ts';
import { expectErrorMessage, expectMessageList, expectRefused } from './lib/expect.ts';
import { normSerial, sameName } from './lib/pki.ts';

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
