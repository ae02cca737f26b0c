import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** The SBC's XML: every body is <response><data/><messages/><links/></response> with a standalone prolog. */
const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true });
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['attribute', 'value'].includes(name),
});

const PROLOG = { '@_version': '1.0', '@_encoding': 'UTF-8', '@_standalone': 'yes' };

export function envelope(data: unknown = '', opts: { messages?: unknown; links?: string[] } = {}): string {
  return builder.build({
    '?xml': PROLOG,
    response: {
      data,
      messages: opts.messages ?? '',
      links: opts.links?.length ? { link: opts.links } : '',
    },
  });
}

/** A <response> with the data section only (the csr-answer-bare fault). */
export function bareEnvelope(data: unknown): string {
  return builder.build({ '?xml': PROLOG, response: { data } });
}

export function errorEnvelope(
  reasonPhrase: string,
  message: string,
  shape: 'error-element' | 'message-list' = 'error-element',
): string {
  return envelope('', {
    messages: shape === 'message-list' ? { message: [message] } : { error: { reasonPhrase, message } },
  });
}

/** Parses a request body; throws on text that is not well-formed XML (the caller answers 400). */
export function parseXml(text: string): Record<string, unknown> {
  if (XMLValidator.validate(text) !== true) throw new Error('request body is not well-formed XML');
  return parser.parse(text) as Record<string, unknown>;
}
