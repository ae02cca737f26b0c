import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { broken, violation } from '../../src/core/check.ts';
import { BrokenAnswer, type ViolationAt } from '../../src/core/errors.ts';
import type { HttpResponse } from '../../src/http/client.ts';

const LISTS = new Set(['link', 'version', 'attribute', 'value', 'configElement']);
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => LISTS.has(name),
});
const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });

export type XmlNode = Record<string, unknown>;

/** The SBC's envelope: <response><data/><messages/><links/></response>. */
export interface Envelope {
  data: XmlNode;
  messages: unknown;
  links: string[];
  /** Names of the envelope's children that are missing. */
  missing: string[];
}

/**
 * Parses a body as the SBC's XML envelope. A body declared as XML (or undeclared) that is not well-formed tells
 * nothing about any requirement (a garbled or cut answer): BrokenAnswer, `error`. A body declared as another
 * media type (JSON, text) or XML that is not a <response> is the target answering wrongly: a Violation.
 */
export function envelope(res: HttpResponse, what = `${res.method} ${new URL(res.url).pathname}`): Envelope {
  const text = res.text;
  const start = JSON.stringify(text.trim().slice(0, 80).replace(/\s+/g, ' '));
  if (text.trim() === '' || XMLValidator.validate(text) !== true) {
    const message = `${what} answered ${res.status} with a body that is not well-formed XML (${res.contentType || 'no content type'}): ${text.trim() ? start : 'empty body'}`;
    if (!res.contentType || /xml/.test(res.contentType)) broken(message);
    violation(message, { pointer: '/', value: text.trim(), exchange: res.evidence });
  }
  const doc = parser.parse(text) as XmlNode;
  const root = doc.response;
  if (root === undefined || (typeof root !== 'object' && root !== '')) {
    violation(`${what} answered ${res.status} with XML whose root is not <response>: ${start}`, {
      pointer: '/*',
      value: text.trim(),
      exchange: res.evidence,
    });
  }
  const r = (root === '' ? {} : root) as XmlNode;
  const missing = ['data', 'messages', 'links'].filter((k) => !(k in r));
  const links =
    r.links && typeof r.links === 'object'
      ? (((r.links as XmlNode).link as unknown[] | undefined) ?? [])
      : [];
  return {
    data: r.data && typeof r.data === 'object' ? (r.data as XmlNode) : {},
    messages: r.messages,
    links: links.map(String),
    missing,
  };
}

/**
 * Where a violation is in an XML answer: an XPath (`/response/data/accessToken`) and its last element as the answer
 * has it (the first one of that name), or missing.
 */
export function xmlAt(res: HttpResponse, xpath: string): ViolationAt {
  const name = xpath
    .split('/')
    .pop()!
    .replace(/[^A-Za-z0-9_.:-]/g, '');
  const element = name
    ? new RegExp(`<${name}(?:\\s[^>]*)?(?:/>|>[\\s\\S]*?</${name}>)`).exec(res.text)?.[0]
    : undefined;
  return { pointer: xpath, ...(element !== undefined ? { value: element } : {}), exchange: res.evidence };
}

/**
 * What an answer says, in one line for a reason or headline: the texts of its envelope's <messages>, or the start
 * of any other body.
 */
export function answerText(res: HttpResponse): string {
  const leaves = (node: unknown): string[] =>
    typeof node === 'string'
      ? [node.trim()].filter(Boolean)
      : node && typeof node === 'object'
        ? Object.values(node as XmlNode).flatMap(leaves)
        : [];
  try {
    const said = leaves(envelope(res).messages);
    if (said.length) return said.join(': ');
  } catch {
    // not the envelope: its start below
  }
  const body = res.text.trim().replace(/\s+/g, ' ');
  return body.length > 80 ? `${body.slice(0, 80)}…` : body;
}

/** The envelope of a helper answer (not the rule's subject): anything unusable is a broken answer. */
export function helperEnvelope(res: HttpResponse, purpose: string): Envelope {
  try {
    return envelope(res, purpose);
  } catch (err) {
    if (err instanceof BrokenAnswer) throw err;
    broken(err instanceof Error ? err.message : String(err));
  }
}

/**
 * The access token of a login answer: data/accessToken of the XML envelope, or (leniently, so the rest of the
 * suite can still be evaluated) an accessToken field of a JSON body. SBC-AUTH-001 judges the format itself.
 */
export function tokenOf(res: HttpResponse): string | undefined {
  const body = res.text.trim();
  if (body.startsWith('<') && XMLValidator.validate(body) === true) {
    const doc = parser.parse(body) as XmlNode;
    const token = text(doc.response, 'data', 'accessToken');
    return token?.trim() ? token.trim() : undefined;
  }
  try {
    const found = findText(JSON.parse(body), 'accessToken');
    return found?.trim() ? found.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** A child element's text, or undefined. */
export function text(node: unknown, ...path: string[]): string | undefined {
  let cur: unknown = node;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as XmlNode)[p];
  }
  return typeof cur === 'string' ? cur : undefined;
}

/** Every value of a configElement's attributes. */
export function configAttributes(node: unknown): Map<string, string[]> | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const elements = (node as XmlNode).configElement as XmlNode[] | undefined;
  const el = elements?.[0];
  if (!el) return undefined;
  const out = new Map<string, string[]>();
  for (const a of (el.attribute as XmlNode[] | undefined) ?? []) {
    const values = ((a.value as unknown[] | undefined) ?? [])
      .map((v) => (typeof v === 'string' ? v : ''))
      .filter((v) => v !== '');
    out.set(String(a.name), values);
  }
  return out;
}

export function elementTypeOf(node: unknown): string | undefined {
  const el = ((node as XmlNode | undefined)?.configElement as XmlNode[] | undefined)?.[0];
  return typeof el?.elementType === 'string' ? el.elementType : undefined;
}

/** Searches the data section for an element with this name anywhere below it. */
export function findText(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const [k, v] of Object.entries(node as XmlNode)) {
    if (k === name && typeof v === 'string') return v;
    const inner = findText(v, name);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** Whether some element below this node has exactly this text (surrounding whitespace aside). */
export function hasTextValue(node: unknown, value: string): boolean {
  if (typeof node === 'string') return node.trim() === value;
  if (!node || typeof node !== 'object') return false;
  return Object.values(node as XmlNode).some((v) => hasTextValue(v, value));
}

export function buildXml(body: XmlNode): string {
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, ...body });
}

export function configElementXml(attributes: Array<[string, string[]]>): string {
  return buildXml({
    configElement: {
      elementType: 'certificate-record',
      attribute: attributes.map(([name, values]) => ({ name, value: values })),
    },
  });
}
