import { describe, expect, it } from 'vitest';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2EncryptBlock } from './rc2.ts';

const hex = (s: string) => Buffer.from(s, 'hex');

describe('RC2 (RFC 2268)', () => {
  // RFC 2268 §5 test vectors: effective key bits, key, plaintext, ciphertext.
  const vectors: Array<[number, string, string, string]> = [
    [63, '0000000000000000', '0000000000000000', 'ebb773f993278eff'],
    [64, 'ffffffffffffffff', 'ffffffffffffffff', '278b27e42e2f0d49'],
    [64, '3000000000000000', '1000000000000001', '30649edf9be7d2c2'],
    [64, '88', '0000000000000000', '61a8a244adacccf0'],
    [64, '88bca90e90875a', '0000000000000000', '6ccf4308974c267f'],
    [64, '88bca90e90875a7f0f79c384627bafb2', '0000000000000000', '1a807d272bbe5db1'],
    [128, '88bca90e90875a7f0f79c384627bafb2', '0000000000000000', '2269552ab0f85ca6'],
    [
      129,
      '88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e',
      '0000000000000000',
      '5b78d3a43dfff1f1',
    ],
  ];

  it.each(vectors)('encrypts with %i effective bits, key %s', (bits, key, plain, cipher) => {
    expect(rc2EncryptBlock(hex(key), bits, hex(plain)).toString('hex')).toBe(cipher);
  });

  it('decrypts what it encrypts in CBC mode, and refuses a wrong key by its padding', () => {
    const key = hex('0102030405');
    const iv = hex('0011223344556677');
    for (const len of [0, 1, 7, 8, 9, 100]) {
      const data = Buffer.alloc(len, 0x5a);
      const enc = rc2CbcEncrypt(key, 40, iv, data);
      expect(enc.length % 8).toBe(0);
      expect(rc2CbcDecrypt(key, 40, iv, enc).equals(data)).toBe(true);
    }
    const enc = rc2CbcEncrypt(key, 40, iv, Buffer.from('certificate bag contents'));
    expect(() => rc2CbcDecrypt(hex('0102030406'), 40, iv, enc)).toThrow(/bad decrypt/);
  });
});
