/**
 * A small, safe Markdown reader for STIX descriptions (ATT&CK writes them in Markdown): paragraphs,
 * bullet lists, **bold**, *italic* / _italic_, `code`, [links](https://…) and ATT&CK citations
 * `(Citation: Name)` turned into links to the object's external reference of that name. The
 * result is built as DOM nodes from text — no HTML is ever parsed — and only http(s) URLs become
 * links (new tab, no opener, no referrer).
 */
import { externalLink, h } from './dom';

export type CitationUrls = ReadonlyMap<string, string | null>;

const INLINE = /\*\*([^*]+)\*\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\)|\(Citation: ([^)]+)\)|(?<![\w*])\*([^*\s][^*]*?)\*(?!\w)|(?<!\w)_([^_\s][^_]*?)_(?!\w)/g;

/** Inline Markdown of one block as nodes. */
export function inline(text: string, citations: CitationUrls): Node[] {
  const out: Node[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    last = m.index + m[0].length;
    if (m[1] !== undefined) out.push(h('strong', {}, m[1]));
    else if (m[2] !== undefined) out.push(h('code', {}, m[2]));
    else if (m[3] !== undefined) out.push(externalLink(m[4]!, m[3]));
    else if (m[5] !== undefined) {
      const name = m[5].trim();
      const url = citations.get(name);
      out.push(h('sup', { class: 'citation' }, url ? externalLink(url, `[${name}]`) : `[${name}]`));
    } else if (m[6] !== undefined) out.push(h('em', {}, m[6]));
    else if (m[7] !== undefined) out.push(h('em', {}, m[7]));
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}

/** A description as paragraphs and lists. */
export function renderMarkdown(text: string, citations: CitationUrls = new Map()): HTMLElement {
  const root = h('div', { class: 'markdown' });
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n{2,}/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    if (lines.every((l) => /^\s*[*-]\s+/.test(l))) {
      root.append(h('ul', {}, lines.map((l) => h('li', {}, inline(l.replace(/^\s*[*-]\s+/, ''), citations)))));
    } else {
      root.append(h('p', {}, inline(lines.join(' '), citations)));
    }
  }
  return root;
}
