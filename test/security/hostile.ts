import fc from 'fast-check';

/**
 * Hostile strings and an HTML checker for the hostile-input property tests: what an attacker
 * (or a broken mail client) puts in a name, a subject, a body or a JSON field, and a strict
 * reading of the HTML we produce from it.
 */

/** Payloads from XSS, injection and parser-confusion cheat sheets, as they arrive in free text. */
export const PAYLOADS = [
  '<script>alert(1)</script>',
  '<ScRiPt src=//evil.example/x.js></ScRiPt>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '" onfocus="alert(1)" autofocus="',
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>*{background:url(javascript:alert(1))}</style>',
  '<svg onload=alert(1)>',
  '</title><script>alert(1)</script>',
  '</textarea><script>alert(1)</script>',
  '<!--',
  '-->',
  ']]>',
  '<![CDATA[x]]>',
  '&lt;script&gt;',
  '&amp;',
  '&',
  '&#0;',
  '&#x110000;',
  "'; DROP TABLE complaints;--",
  "' OR '1'='1",
  '{"$gt":""}',
  '{"$where":"sleep(1000)"}',
  '$ne',
  '__proto__',
  'constructor',
  '${7*7}',
  '{{constructor.constructor("alert(1)")()}}',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\r\nBcc: victim@example.com',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '😀',
  '陳大文',
  '䶵𠀀',
  '=?utf-8?B?PHNjcmlwdD4=?=',
] as const;

/** One UTF-16 unit anywhere in the range, lone surrogates included. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/** Any string an owner could type or a client could send, biased towards the payloads above. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: anyUnit, maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...PAYLOADS), fc.string({ unit: 'grapheme', maxLength: 8 })), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join('')),
  },
);

/** A hostile string that still has something in it after trimming (for required fields). */
export const hostileNonBlank = hostileString.filter((s) => s.trim().length > 0);

export interface MarkupAllowance {
  /** Element names (lower case) the document may contain. */
  readonly tags: ReadonlySet<string>;
  /** Attribute names (lower case) the document may contain. */
  readonly attributes: ReadonlySet<string>;
  /** Elements whose content is raw text we wrote ourselves (a report's `<style>`). */
  readonly rawTextTags?: ReadonlySet<string>;
}

/** `<name attr="value" ...>`, `</name>`, `<name ... />`: the only tag shape we write. */
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)\s*(\/?)>/y;
const ATTRIBUTE = /\s+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?/g;
const ENTITY = /&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/y;
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'background', 'poster']);

/** Decodes the character references a browser would decode in an attribute value. */
export function decodeEntities(value: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    colon: ':',
    tab: '\t',
    newline: '\n',
  };
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);?/gi, (entity, name: string) => {
    if (name[0] !== '#') return named[name.toLowerCase()] ?? entity;
    const code = name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/**
 * What is wrong with a piece of HTML we produced, read strictly: every `<` starts a tag of the
 * shape we write (double-quoted attributes only), every element and attribute is one we allow,
 * no event handler, no script URL, every `&` starts a character reference. A string that
 * escaped its escaping (a raw `<` or `"`) shows up as a stray `<`, an unknown element or an
 * unknown attribute. Returns the problems, each with a little context.
 */
export function markupProblems(html: string, allow: MarkupAllowance): string[] {
  const problems: string[] = [];
  const at = (index: number) => JSON.stringify(html.slice(Math.max(0, index - 30), index + 50));
  let i = 0;
  while (i < html.length && problems.length < 20) {
    const char = html[i];
    if (char === '&') {
      ENTITY.lastIndex = i;
      if (!ENTITY.test(html)) problems.push(`bare & at ${at(i)}`);
      i += 1;
      continue;
    }
    if (char !== '<') {
      i += 1;
      continue;
    }
    if (/^<!doctype html>/i.test(html.slice(i, i + 15))) {
      i += 15;
      continue;
    }
    TAG.lastIndex = i;
    const tag = TAG.exec(html);
    if (!tag) {
      problems.push(`stray < at ${at(i)}`);
      i += 1;
      continue;
    }
    const name = (tag[2] ?? '').toLowerCase();
    if (!allow.tags.has(name)) problems.push(`element <${name}> at ${at(i)}`);
    for (const [, rawName = '', value] of (tag[3] ?? '').matchAll(ATTRIBUTE)) {
      const attribute = rawName.toLowerCase();
      if (attribute.startsWith('on')) problems.push(`event handler ${attribute} at ${at(i)}`);
      else if (!allow.attributes.has(attribute)) problems.push(`attribute ${attribute} at ${at(i)}`);
      if (value !== undefined && URL_ATTRIBUTES.has(attribute)) {
        // Browsers ignore tabs, new lines and leading controls in a URL's scheme.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping what browsers ignore
        const url = decodeEntities(value).replace(/[\u0000-\u0020\u007f]/g, '');
        if (/^(javascript|vbscript|data|livescript):/i.test(url)) problems.push(`script URL at ${at(i)}`);
      }
    }
    i = TAG.lastIndex;
    if (!tag[1] && allow.rawTextTags?.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}>`, i);
      i = end < 0 ? html.length : end;
    }
  }
  return problems;
}

/** The elements and attributes a document uses, to build an allowance from a harmless rendering. */
export function markupUsed(html: string): MarkupAllowance {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  for (const tag of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>/g)) {
    tags.add(String(tag[1]).toLowerCase());
    for (const [, name = ''] of String(tag[2]).matchAll(ATTRIBUTE)) attributes.add(name.toLowerCase());
  }
  return { tags, attributes };
}
