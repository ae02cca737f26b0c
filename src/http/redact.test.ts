import { describe, expect, it } from 'vitest';
import { MASK, Redactor } from './redact.ts';

describe('Redactor', () => {
  const r = new Redactor();
  r.addBasic('root', 'Sup3r-Secret');
  r.add('tok-abcdef123');

  it('masks registered values, also encoded', () => {
    const basic = Buffer.from('root:Sup3r-Secret').toString('base64');
    expect(
      r.text(`pw Sup3r-Secret, basic ${basic}, q=${encodeURIComponent('Sup3r-Secret')}, t tok-abcdef123`),
    ).not.toMatch(/Sup3r|tok-abc|cm9vd/);
  });

  it('masks secret shapes it was never told about', () => {
    const text = [
      '{"UserName":"x","Password":"hunter22","ChallengePassword":"cp-1234","token":"t"}',
      '<password>xml-secret</password>',
      'Authorization: Bearer eyJhbGciOi.abc.def',
      'X-Auth-Token: 0123456789abcdef',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----',
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBOg',
    ].join('\n');
    const out = r.text(text);
    for (const secret of ['hunter22', 'cp-1234', 'xml-secret', 'eyJhbGciOi', '0123456789abcdef', 'MIIBOg'])
      expect(out).not.toContain(secret);
    expect(out).toContain(`"Password":"${MASK}"`);
    expect(out).toContain('[redacted private key]');
    expect(out).toContain('"UserName":"x"');
  });

  it('keeps JSON valid when masking inside serialized JSON', () => {
    const doc = JSON.stringify({ evidence: JSON.stringify({ ChallengePassword: 'abc"def' }) });
    expect(() => JSON.parse(r.text(doc))).not.toThrow();
    expect(r.text(doc)).not.toContain('abc');
  });

  it('masks credential headers by name', () => {
    expect(r.headers({ authorization: 'Basic eA==', cookie: 'a=b', accept: 'x' })).toEqual({
      authorization: MASK,
      cookie: MASK,
      accept: 'x',
    });
  });
});
