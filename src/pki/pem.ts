/** PEM block parsing (RFC 7468). */
export interface PemBlock {
  label: string;
  der: Buffer;
  text: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n?([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;

export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of text.matchAll(BLOCK)) {
    const label = m[1]!;
    if (m[3] !== label) continue;
    const b64 = m[2]!.replace(/\s+/g, '');
    out.push({ label, der: Buffer.from(b64, 'base64'), text: m[0] });
  }
  return out;
}

export function toPem(label: string, der: ArrayBuffer | Uint8Array | Buffer): string {
  const b64 = Buffer.from(der as Uint8Array).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

export function hasPrivateKey(text: string): boolean {
  return /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text);
}
