import { describe, expect, it } from 'vitest';
import { MASK, QuadScreen, Redactor, redactingWrite, redactWithAll, secretEncodings } from './redact.ts';

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

  it('a password containing a quote or a backslash does not end the JSON field early, at any nesting', () => {
    const fresh = new Redactor(); // nothing registered: the pattern alone must hold
    const body = JSON.stringify({ Password: 'ab"cd\\ef-TAIL', UserName: 'u' });
    let doc = body;
    for (let level = 0; level < 4; level++) {
      const out = fresh.text(doc);
      expect(out, `level ${level}`).not.toMatch(/cd|ef-TAIL/);
      expect(out, `level ${level}`).toContain('UserName');
      // Still valid JSON, and it decodes back to the masked body.
      let decoded: unknown = out;
      for (let i = 0; i < level; i++) decoded = Object.values(JSON.parse(decoded as string))[0];
      expect(JSON.parse(decoded as string)).toEqual({ Password: MASK, UserName: 'u' });
      doc = JSON.stringify({ quoted: doc });
    }
  });

  it('masks a secret field cut off by a truncated answer', () => {
    expect(new Redactor().text('{"token":"abc\\"def-cut')).toBe(`{"token":"${MASK}`);
  });

  it('masks form fields, XML elements with attributes, XML attributes and echoed credential headers', () => {
    const out = new Redactor().text(
      [
        'user=a&password=p%40ss+w&x=1',
        '<Password type="x">xml&amp;secret</Password>',
        '<login password="attr-secret"/>',
        '{"headers":{"authorization":"Basic Zm9vOmJhcg==","cookie":"sid=cookie-secret","x-auth-token":"hdr-secret"}}',
      ].join('\n'),
    );
    for (const s of ['p%40ss', 'xml&amp;secret', 'attr-secret', 'Zm9vOmJhcg', 'cookie-secret', 'hdr-secret'])
      expect(out).not.toContain(s);
    expect(out).toContain('user=a&password=***&x=1');
  });

  it('a registered secret is masked in every encoding a report can carry', () => {
    const pw = 'Zq"7k\\W&L<m>%9 é€\'';
    const fresh = new Redactor();
    fresh.addBasic('root', pw);
    const json = (s: string) => JSON.stringify(s).slice(1, -1);
    const forms = [
      pw,
      json(pw),
      json(json(pw)),
      json(json(json(pw))),
      json(pw).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
      encodeURIComponent(pw),
      encodeURIComponent(pw).replace(/%20/g, '+'),
      new URLSearchParams({ p: pw }).toString().slice(2),
      encodeURIComponent(pw).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
      pw
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&apos;'),
      pw
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;'),
      pw.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
      pw.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => `&#${c.codePointAt(0)};`),
      pw.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => `&#x${c.codePointAt(0)!.toString(16)};`),
      Buffer.from(pw).toString('base64'),
      Buffer.from(`root:${pw}`).toString('base64'),
    ];
    // Basic credentials in Latin-1 (older clients), for a password Latin-1 can carry.
    fresh.addBasic('root', 'Ünï-latin1-pw');
    forms.push(Buffer.from('root:Ünï-latin1-pw', 'latin1').toString('base64'));
    for (const form of forms) expect(fresh.text(`before ${form} after`), form).toBe(`before ${MASK} after`);
    expect(secretEncodings(pw)).toEqual(expect.arrayContaining(forms.slice(0, 15)));
  });

  it('redactingWrite masks what goes to the console', () => {
    const lines: string[] = [];
    const write = redactingWrite(r, (s) => lines.push(s));
    write('skip: locked by another admin, token tok-abcdef123\n');
    expect(lines).toEqual([`skip: locked by another admin, token ${MASK}\n`]);
  });
});

describe('a secret inside base64 data (a challenge password inside a CSR)', () => {
  const secret = 'cc-0123456789abcdef01';
  const der = (at: number) => {
    const bytes = Buffer.alloc(300, 0x41);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
    Buffer.from(secret).copy(bytes, at);
    return bytes;
  };
  const pem = (bytes: Buffer, eol: string) =>
    `-----BEGIN CERTIFICATE REQUEST-----${eol}${bytes
      .toString('base64')
      .match(/.{1,64}/g)!
      .join(eol)}${eol}-----END CERTIFICATE REQUEST-----`;
  const decoded = (text: string) => Buffer.from(text.replace(/-----[A-Z ]+-----|\\n|\n/g, ''), 'base64');

  it.each([100, 101, 102, 62])(
    'is overwritten in place wherever it starts (byte %i), with real or JSON-escaped line breaks',
    (at) => {
      const r = new Redactor();
      r.add(secret);
      for (const eol of ['\n', '\\n']) {
        const bytes = der(at);
        const out = r.text(pem(bytes, eol));
        const back = decoded(out);
        expect(back.includes(Buffer.from(secret))).toBe(false);
        expect(back.length).toBe(bytes.length);
        // Only the secret's bytes changed; the line breaks stayed where they were.
        expect(Buffer.concat([back.subarray(0, at), back.subarray(at + secret.length)])).toEqual(
          Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + secret.length)]),
        );
        expect(out.split(eol).length).toBe(pem(bytes, eol).split(eol).length);
      }
    },
  );

  it('in a recording, a generated secret becomes a same-length placeholder naming it', () => {
    const r = new Redactor();
    r.add(secret);
    const labels = new Map([[secret, 'RF-CSR-007:0']]);
    const back = decoded(r.text(pem(der(101), '\n'), { labels }));
    expect(back.subarray(101, 101 + secret.length).toString('latin1')).toBe('{{RF-CSR-007:0}}*****');
    expect(r.text(`{"ChallengePassword":"${secret}"}`, { labels })).toBe(
      '{"ChallengePassword":"{{harness secret RF-CSR-007:0}}"}',
    );
  });

  it('in UTF-16 (a BMPString) too', () => {
    const r = new Redactor();
    r.add(secret);
    const bytes = der(0);
    Buffer.from(secret, 'utf16le').swap16().copy(bytes, 150);
    expect(decoded(r.text(bytes.toString('base64'))).includes(Buffer.from(secret, 'utf16le').swap16())).toBe(
      false,
    );
  });
});

describe('redactWithAll (the last-resort internal error line)', () => {
  it('masks what any redactor of the process knows, and secret shapes', () => {
    const r = new Redactor();
    r.add('only-this-run-knows-it');
    expect(redactWithAll('failed: only-this-run-knows-it {"password":"p4ss"}')).toBe(
      'failed: *** {"password":"***"}',
    );
  });
});

describe('Redactor memory', () => {
  it('masks a text it has masked before again once a secret was added since', () => {
    const r = new Redactor();
    r.add('first-secret');
    const text = 'a first-secret and a later-secret';
    expect(r.text(text)).toBe(`a ${MASK} and a later-secret`);
    r.add('later-secret');
    expect(r.text(text)).toBe(`a ${MASK} and a ${MASK}`);
    r.addBasic('user', 'basic-secret');
    expect(r.text('basic-secret')).toBe(MASK);
  });

  it('does not answer from memory for a call with options (labels of generated secrets)', () => {
    const r = new Redactor();
    r.add('generated-1');
    expect(r.text('x generated-1')).toBe(`x ${MASK}`);
    expect(r.text('x generated-1', { labels: new Map([['generated-1', 'rule:1']]) })).toBe(
      'x {{harness secret rule:1}}',
    );
  });
});

describe('QuadScreen', () => {
  it('finds exactly the strings a text holds, short ones and ones sharing their first four characters', () => {
    const screen = new QuadScreen(['abc', 'secret-one', 'secret-two', 'eyJhbGciOi.token', 'absent-value']);
    const text = 'x abc y secret-two z eyJhbGciOi.other eyJhbGciOi.token secret-';
    expect([...screen.present(text)].sort()).toEqual(['abc', 'eyJhbGciOi.token', 'secret-two']);
    expect(screen.present('nothing here').size).toBe(0);
  });

  it('finds a string at the very start and the very end, in one-byte and two-byte texts', () => {
    const screen = new QuadScreen(['sEcR', 'pässwörd-1', 'tail-end']);
    expect([...screen.present('sEcR')]).toEqual(['sEcR']);
    expect([...screen.present('pässwörd-1 … tail-end')].sort()).toEqual(['pässwörd-1', 'tail-end']);
    expect(screen.present('sEc').size).toBe(0);
    // Every position of a long text, each string placed once at each offset.
    const filler = 'x'.repeat(40);
    for (let at = 0; at <= filler.length; at++)
      expect([...screen.present(filler.slice(0, at) + 'tail-end' + filler.slice(at))]).toEqual(['tail-end']);
  });
});
