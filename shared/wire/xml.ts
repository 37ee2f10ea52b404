import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * XML that providers send, read safely:
 * - a document type declaration is refused outright, so no entity can expand (billion laughs);
 * - the document is validated first, because the parser alone accepts truncated documents and
 *   would silently return fewer invoices;
 * - every value stays text (no numeric coercion: "00001" and "7e10" stay as sent);
 * - elements named in `lists` are always arrays, so a single element is still a list;
 * - namespace prefixes and attributes (xmlns, xsi:nil) are dropped; an empty element reads as "";
 * - elements nest at most `XML_MAX_DEPTH` deep: the parser turns its tree into objects recursively,
 *   and 100,000 nested elements would overflow the stack.
 */

export class InvalidXml extends Error {}

const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;
export const XML_MAX_DEPTH = 64;

export function createXmlReader(lists: readonly string[]): (text: string) => unknown {
  const listPaths = new Set(lists);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (_name, jpath) => listPaths.has(String(jpath)),
    // The parser does not count the root element.
    maxNestedTags: XML_MAX_DEPTH - 1,
  });
  return (text) => {
    if (text.includes('<!') && DECLARATION.test(text)) {
      throw new InvalidXml('a document type declaration is not accepted (entity expansion)');
    }
    const verdict = XMLValidator.validate(text);
    if (verdict !== true) {
      throw new InvalidXml(`not well-formed XML (${verdict.err.code} at line ${verdict.err.line})`);
    }
    try {
      return parser.parse(text);
    } catch (error: unknown) {
      if (error instanceof Error && /nested tags/i.test(error.message))
        throw new InvalidXml(`elements nested deeper than ${XML_MAX_DEPTH} levels`);
      throw error;
    }
  };
}
