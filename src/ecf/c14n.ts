import {
  type Attr,
  type Document,
  DOMParser,
  type Element,
  type Node,
  onErrorStopParsing,
  type ProcessingInstruction,
} from '@xmldom/xmldom';

/**
 * Canonical XML 1.0 (http://www.w3.org/TR/2001/REC-xml-c14n-20010315), the canonicalisation DGII
 * signs with, over @xmldom/xmldom (workerd has no DOMParser). Checked against libxml2's
 * `xmllint --c14n` in test/node/ecf-signing.test.ts.
 */

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;

export class XmlParseError extends Error {
  override name = 'XmlParseError';
}

/**
 * Parses XML text. With `stripWhitespace`, whitespace-only text nodes are dropped (outside
 * xml:space="preserve"), as .NET's XmlDocument does when loading with PreserveWhitespace=false: DGII
 * loads the documents it verifies that way, so a signer must digest what DGII will see.
 */
export type ParsedXml = Document & { documentElement: Element };

export function parseXml(xml: string, options: { stripWhitespace?: boolean } = {}): ParsedXml {
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: onErrorStopParsing,
      // XML 1.0 line-end handling only (xmldom's default also folds U+0085 and U+2028 like XML 1.1).
      normalizeLineEndings: (source) => source.replace(/\r\n?/g, '\n'),
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    throw new XmlParseError(error instanceof Error ? error.message : String(error));
  }
  if (!doc.documentElement) throw new XmlParseError('no root element');
  if (options.stripWhitespace) stripWhitespaceNodes(doc.documentElement, false);
  return doc as ParsedXml;
}

function stripWhitespaceNodes(element: Element, preserve: boolean): void {
  const keep = spacePreserved(element, preserve);
  for (let child = element.firstChild; child; ) {
    const next = child.nextSibling;
    if (child.nodeType === ELEMENT_NODE) stripWhitespaceNodes(child as Element, keep);
    else if (!keep && isWhitespaceText(child)) element.removeChild(child);
    child = next;
  }
}

function spacePreserved(element: Element, inherited: boolean): boolean {
  const space = element.getAttributeNS(XML_NS, 'space');
  return space === 'preserve' ? true : space === 'default' ? false : inherited;
}

function isWhitespaceText(node: Node): boolean {
  return node.nodeType === TEXT_NODE && /^[ \t\n\r]*$/.test(node.nodeValue ?? '');
}

export interface CanonicalizeOptions {
  /** A subtree left out, e.g. the enveloped Signature. */
  exclude?: Node | null;
  withComments?: boolean;
  /**
   * Not canonical: also writes `"` and `'` of text as `&quot;` and `&apos;`, as DGII's Informe Técnico
   * (11.1.2) asks of the XML it receives. Same document, same canonical form; for output only.
   */
  escapeQuotes?: boolean;
  /** Leaves out whitespace-only text (outside xml:space="preserve"), as parseXml's stripWhitespace does. */
  dropWhitespace?: boolean;
}

/**
 * Canonical form of a whole document, or of an element as a document subset (its ancestors' namespaces
 * and xml:* attributes are rendered on it, as C14N 1.0 requires).
 */
export function canonicalize(node: Document | Element, options: CanonicalizeOptions = {}): string {
  const out: string[] = [];
  const ctx: Context = {
    exclude: options.exclude ?? null,
    withComments: options.withComments ?? false,
    escapeQuotes: options.escapeQuotes ?? false,
    dropWhitespace: options.dropWhitespace ?? false,
    out,
  };
  if (node.nodeType === ELEMENT_NODE) {
    const element = node as Element;
    const inScope = new Map<string, string>();
    const ancestors: Element[] = [];
    for (let parent = element.parentNode; parent && parent.nodeType === ELEMENT_NODE; parent = parent.parentNode) {
      ancestors.unshift(parent as Element);
    }
    for (const ancestor of ancestors) addDeclarations(ancestor, inScope);
    const preserve = ancestors.reduce((keep, ancestor) => spacePreserved(ancestor, keep), false);
    writeElement(ctx, element, inScope, new Map(), inheritedXmlAttributes(element, ancestors), preserve);
    return out.join('');
  }
  const doc = node as Document;
  let afterRoot = false;
  for (let child = doc.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) {
      writeElement(ctx, child as Element, new Map(), new Map(), [], false);
      afterRoot = true;
    } else if (
      // xmldom keeps the XML declaration as a processing instruction; C14N drops it.
      (child.nodeType === PROCESSING_INSTRUCTION_NODE && (child as ProcessingInstruction).target !== 'xml') ||
      (child.nodeType === COMMENT_NODE && ctx.withComments)
    ) {
      if (afterRoot) out.push('\n');
      writeLeaf(ctx, child);
      if (!afterRoot) out.push('\n');
    }
  }
  return out.join('');
}

interface Context {
  exclude: Node | null;
  withComments: boolean;
  escapeQuotes: boolean;
  dropWhitespace: boolean;
  out: string[];
}

function addDeclarations(element: Element, inScope: Map<string, string>): void {
  const attrs = element.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const attr = attrs.item(i);
    if (!attr) continue;
    if (attr.name === 'xmlns') inScope.set('', attr.value);
    else if (attr.name.startsWith('xmlns:')) inScope.set(attr.name.slice(6), attr.value);
  }
}

function inheritedXmlAttributes(element: Element, ancestors: Element[]): Attr[] {
  const found = new Map<string, Attr>();
  for (const ancestor of ancestors) {
    const attrs = ancestor.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs.item(i);
      if (attr && attr.namespaceURI === XML_NS && !element.hasAttributeNS(XML_NS, attr.localName ?? '')) {
        found.set(attr.localName ?? attr.name, attr);
      }
    }
  }
  return [...found.values()];
}

function writeElement(
  ctx: Context,
  element: Element,
  parentScope: Map<string, string>,
  rendered: Map<string, string>,
  extraAttributes: Attr[],
  parentPreserve: boolean,
): void {
  if (element === ctx.exclude) return;
  const preserve = ctx.dropWhitespace && spacePreserved(element, parentPreserve);
  const inScope = new Map(parentScope);
  addDeclarations(element, inScope);

  const namespaces: [string, string][] = [];
  for (const [prefix, uri] of inScope) {
    if (prefix === 'xml') continue;
    const previous = rendered.get(prefix);
    if (prefix === '' && uri === '' && (previous === undefined || previous === '')) continue;
    if (previous !== uri) namespaces.push([prefix, uri]);
  }
  namespaces.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const attributes: Attr[] = [...extraAttributes];
  const attrs = element.attributes;
  for (let i = 0; i < attrs.length; i++) {
    const attr = attrs.item(i);
    if (!attr || attr.name === 'xmlns' || attr.name.startsWith('xmlns:') || attr.namespaceURI === XMLNS_NS) continue;
    attributes.push(attr);
  }
  attributes.sort(compareAttributes);

  const out = ctx.out;
  out.push('<', element.nodeName);
  for (const [prefix, uri] of namespaces) {
    out.push(prefix ? ` xmlns:${prefix}="` : ' xmlns="', escapeAttribute(uri), '"');
  }
  for (const attr of attributes) out.push(' ', attr.name, '="', escapeAttribute(attr.value), '"');
  out.push('>');

  let childRendered = rendered;
  if (namespaces.length > 0) {
    childRendered = new Map(rendered);
    for (const [prefix, uri] of namespaces) childRendered.set(prefix, uri);
  }
  for (let child = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) writeElement(ctx, child as Element, inScope, childRendered, [], preserve);
    else if (!ctx.dropWhitespace || preserve || !isWhitespaceText(child)) writeLeaf(ctx, child);
  }
  out.push('</', element.nodeName, '>');
}

function writeLeaf(ctx: Context, node: Node): void {
  if (node === ctx.exclude) return;
  switch (node.nodeType) {
    case TEXT_NODE:
    case CDATA_SECTION_NODE:
      ctx.out.push(ctx.escapeQuotes ? escapeTextWithQuotes(node.nodeValue ?? '') : escapeText(node.nodeValue ?? ''));
      break;
    case PROCESSING_INSTRUCTION_NODE: {
      const pi = node as ProcessingInstruction;
      ctx.out.push('<?', pi.target, pi.data ? ` ${pi.data}` : '', '?>');
      break;
    }
    case COMMENT_NODE:
      if (ctx.withComments) ctx.out.push('<!--', node.nodeValue ?? '', '-->');
      break;
  }
}

function compareAttributes(a: Attr, b: Attr): number {
  const nsA = a.namespaceURI ?? '';
  const nsB = b.namespaceURI ?? '';
  if (nsA !== nsB) return nsA < nsB ? -1 : 1;
  const nameA = a.localName ?? a.name;
  const nameB = b.localName ?? b.name;
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;'));
}

function escapeTextWithQuotes(text: string): string {
  return escapeText(text).replace(/["']/g, (c) => (c === '"' ? '&quot;' : '&apos;'));
}

export function escapeAttribute(value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '"'
          ? '&quot;'
          : c === '\t'
            ? '&#x9;'
            : c === '\n'
              ? '&#xA;'
              : '&#xD;',
  );
}

const SIMPLE_DECLARATION = /^<\?xml[^?<>]*\?>/;
const SIMPLE_TOKEN =
  /<(\/?)([A-Za-z_][A-Za-z0-9_.-]*)>|([\t\n\u{20}-\u{25}\u{27}-\u{3B}\u{3D}\u{3F}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]+)|&(amp|lt|gt|quot|apos);/uy;

/**
 * The canonical form of a document in the narrow shape the XML builders write, without building a
 * DOM: an optional XML declaration, then elements with no attributes, namespaces, comments,
 * processing instructions or CDATA, no whitespace-only text, text escaped with the five predefined
 * entities only. For that shape C14N only turns `&quot;`/`&apos;` into `"`/`'`. Anything else
 * answers null and goes through parseXml + canonicalize (the tests check both agree).
 */
export function simpleCanonicalForm(xml: string): { canonical: string; rootName: string } | null {
  let pos = SIMPLE_DECLARATION.exec(xml)?.[0].length ?? 0;
  const out: string[] = [];
  const open: string[] = [];
  let rootName: string | null = null;
  let textStart = -1;
  let textHasContent = false;
  while (pos < xml.length) {
    SIMPLE_TOKEN.lastIndex = pos;
    const token = SIMPLE_TOKEN.exec(xml);
    if (!token) return null;
    pos = SIMPLE_TOKEN.lastIndex;
    const [whole, slash, name, text, entity] = token;
    if (name !== undefined) {
      // A whitespace-only text node would be dropped by DGII's loader: leave it to the general path.
      if (textStart >= 0 && !textHasContent) return null;
      textStart = -1;
      textHasContent = false;
      if (slash) {
        if (open.pop() !== name) return null;
      } else {
        if (rootName !== null && open.length === 0) return null;
        rootName ??= name;
        open.push(name);
      }
      out.push(whole);
      continue;
    }
    if (open.length === 0) return null;
    if (textStart < 0) textStart = out.length;
    if (text !== undefined) {
      if (!textHasContent && /[^ \t\n]/.test(text)) textHasContent = true;
      out.push(text);
    } else {
      textHasContent = true;
      out.push(entity === 'quot' ? '"' : entity === 'apos' ? "'" : whole);
    }
  }
  if (open.length > 0 || rootName === null) return null;
  return { canonical: out.join(''), rootName };
}
