/**
 * Side panel for the selected object: TLP, properties, external references as links (source and
 * archive URL), markings, versions, notes and opinions, and the explore actions.
 */
import { RELATIONSHIP_EDGE_TYPES, SDO_TYPES, SCO_TYPES, TLP_MARKING_IDS } from '../../../schema/graph/kinds';
import type { ApiNode, ObjectVersion, StixObjectDetail } from '../api/operations';
import { displayName, normaliseTlp } from '../graph/elements';
import { TLP_COLOURS } from '../graph/style';
import { externalLink, h } from './dom';
import { legendSwatch } from './legend';
import { renderMarkdown } from './markdown';
import { strings } from '../../../schema/json';

export interface DetailActions {
  expand: (id: string, relationshipTypes: string[] | null, types: string[] | null, includeRefs: boolean) => void;
  collapse: (id: string) => void;
  hide: (id: string) => void;
  pin: (id: string) => void;
  remove: (id: string) => void;
  select: (id: string) => void;
  /** The name of an object already on the canvas (refs show names rather than ids). */
  nameOf?: (id: string) => string | null;
}

export interface DetailContext {
  object: StixObjectDetail;
  pinned: boolean;
  expanded: boolean;
  /** Notes and opinions that refer to the object (from its neighbourhood). */
  annotations: ApiNode[] | null;
  /** Stored versions, newest first (null: loading; a string: why there is none to show). */
  history: ObjectVersion[] | string | null;
}

const SKIP = new Set(['id', 'type', 'name', 'description', 'external_references', 'object_marking_refs', 'granular_markings', 'spec_version', 'extensions']);

/** The object's TLP as the API computed it; from its marking refs when the API gives none. */
export function tlpOf(object: StixObjectDetail): string {
  const fromApi = normaliseTlp(object.tlp);
  if (fromApi) return fromApi;
  const raw = object.raw;
  const refs = Array.isArray(raw?.object_marking_refs) ? (raw.object_marking_refs as unknown[]) : [];
  const order = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'];
  let rank = -1;
  let unknown = false;
  for (const ref of refs) {
    const level = typeof ref === 'string' ? TLP_MARKING_IDS[ref] : undefined;
    if (level) rank = Math.max(rank, order.indexOf(level));
    else unknown = true;
  }
  if (rank < 0 && !unknown) return 'none (CLEAR)';
  const level = rank >= 0 ? order[rank]! : 'unknown marking';
  return unknown && rank >= 0 ? `${level} + other markings` : level;
}

export function tlpBadge(level: string): HTMLElement {
  const key = level.split(' ')[0] as keyof typeof TLP_COLOURS;
  const colour = TLP_COLOURS[key] ?? '#212529';
  return h('span', { class: 'tlp-badge', style: `border-color:${colour}` }, `TLP:${level}`);
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 1);
}

const STIX_ID = /^[a-z0-9-]+--[0-9a-f-]{36}$/;

/** A reference as a button that opens the object it names (by name when it is on the canvas). */
function refButton(id: string, actions: DetailActions): HTMLElement {
  const name = actions.nameOf?.(id);
  const b = h('button', { type: 'button', class: 'link ref-link', title: id }, name ?? `${id.split('--')[0]}--${id.split('--')[1]?.slice(0, 8) ?? ''}`);
  b.addEventListener('click', () => actions.select(id));
  return b;
}

function propertyValue(key: string, value: unknown, actions: DetailActions): HTMLElement {
  const isRefs = key.endsWith('_ref') || key.endsWith('_refs');
  const ids = Array.isArray(value) ? value : [value];
  if (isRefs && ids.length > 0 && ids.every((v) => typeof v === 'string' && STIX_ID.test(v))) {
    return h('span', { class: 'refs-inline' }, (ids as string[]).map((id, i) => [i ? ', ' : '', refButton(id, actions)]).flat());
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return h('span', {}, (value as string[]).join(', '));
  return h('span', { class: typeof value === 'object' && value !== null ? 'mono pre' : '' }, valueText(value));
}

function properties(raw: Record<string, unknown>, actions: DetailActions): HTMLElement {
  const rows = Object.entries(raw)
    .filter(([key]) => !SKIP.has(key) && !BADGED.has(key))
    .map(([key, value]) => h('tr', {}, h('th', { scope: 'row' }, key), h('td', {}, propertyValue(key, value, actions))));
  return h('table', { class: 'props' }, h('tbody', {}, rows));
}

/** Shown as badges above the description rather than as raw JSON. */
const BADGED = new Set(['kill_chain_phases', 'x_mitre_platforms', 'aliases', 'x_mitre_aliases']);

/** ATT&CK id, tactics, platforms and aliases as badges. */
function badges(object: StixObjectDetail, raw: Record<string, unknown>): HTMLElement | null {
  const attackId = referencesOf(object).find((r) => r.sourceName === 'mitre-attack' && r.externalId)?.externalId ?? null;
  const tactics = (Array.isArray(raw.kill_chain_phases) ? raw.kill_chain_phases : [])
    .map((p) => (p && typeof p === 'object' ? (p as { phase_name?: unknown }).phase_name : null))
    .filter((x): x is string => typeof x === 'string');
  const platforms = strings(raw.x_mitre_platforms);
  const aliases = [...new Set([...strings(raw.aliases), ...strings(raw.x_mitre_aliases)])].filter((a) => a !== object.name);
  if (!attackId && !tactics.length && !platforms.length && !aliases.length) return null;
  const group = (label: string, items: string[], cls: string) => items.length
    ? h('div', { class: 'badge-row' }, h('span', { class: 'hint small' }, `${label} `), items.map((x) => h('span', { class: `badge ${cls}` }, x)))
    : null;
  return h('div', { class: 'badges' },
    attackId ? h('div', { class: 'badge-row' }, h('span', { class: 'badge attack-id' }, attackId)) : null,
    group('tactics', tactics, 'tactic'), group('platforms', platforms, 'platform'), group('aliases', aliases, 'alias'));
}

type Reference = NonNullable<StixObjectDetail['externalReferences']>[number];

function referencesOf(object: StixObjectDetail): Reference[] {
  if (object.externalReferences) return object.externalReferences;
  const raw = object.raw ?? {};
  const refs = Array.isArray(raw.external_references) ? (raw.external_references as Record<string, unknown>[]) : [];
  return refs.map((r) => ({
    sourceName: String(r.source_name ?? 'source'),
    externalId: typeof r.external_id === 'string' ? r.external_id : null,
    url: typeof r.url === 'string' ? r.url : null,
    description: typeof r.description === 'string' ? r.description : null,
  }));
}

/** External references as links: the source and, as its own entry, the archived copy. */
function references(object: StixObjectDetail): HTMLElement | null {
  const refs = referencesOf(object);
  if (refs.length === 0) return null;
  return h('section', {}, h('h3', {}, 'External references'), h('ul', { class: 'refs' }, refs.map((ref) => {
    const label = ref.externalId ? `${ref.sourceName} ${ref.externalId}` : ref.sourceName;
    return h('li', {},
      ref.url ? externalLink(ref.url, label) : h('span', {}, label),
      ref.description ? h('span', { class: 'hint' }, ` — ${ref.description}`) : null);
  })));
}

function markings(object: StixObjectDetail): HTMLElement {
  const raw = object.raw ?? {};
  const list = object.markings ?? (Array.isArray(raw.object_marking_refs) ? (raw.object_marking_refs as string[]) : []).map((id) => ({
    id, tlp: null, name: TLP_MARKING_IDS[id] ? `TLP:${TLP_MARKING_IDS[id]}` : null,
  }));
  const granular = Array.isArray(raw.granular_markings) ? raw.granular_markings.length : 0;
  return h('section', {}, h('h3', {}, 'Markings'),
    list.length === 0 ? h('p', { class: 'hint' }, 'No marking (treated as TLP:CLEAR).') :
      h('ul', {}, list.map((m) => h('li', {}, m.name ?? (m.tlp ? `TLP:${normaliseTlp(m.tlp)}` : 'marking'), ' ', h('span', { class: 'mono small' }, m.id)))),
    granular ? h('p', { class: 'hint' }, `${granular} granular marking(s).`) : null);
}

function when(iso: string | null): string {
  return iso ? iso.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : 'no modified date';
}

/** Version history: newest first, TLP of each version, who imported it and what it changed. */
function history(context: DetailContext, raw: Record<string, unknown>): HTMLElement {
  const versions = context.history;
  const body = versions === null ? h('p', { class: 'hint' }, 'Loading…')
    : typeof versions === 'string' ? h('p', { class: 'hint' }, `${versions} Created ${valueText(raw.created) || '—'}, modified ${valueText(raw.modified) || '—'}.`)
      : h('ol', { class: 'versions' }, versions.map((v, i) => h('li', { class: v.current ? 'current' : '' },
        h('div', {}, h('strong', {}, when(v.modified)), v.current ? ' (current) ' : ' ', tlpBadge(v.tlp.replace('_', '+'))),
        v.importedBy ? h('div', { class: 'hint small' }, `imported by ${v.importedBy}${v.importedAt ? ` on ${when(v.importedAt)}` : ''}`) : null,
        v.changed === null ? h('div', { class: 'small' }, i === versions.length - 1 && versions.length > 1 ? 'oldest version shown' : 'first version')
          : h('div', { class: 'small changed' }, v.changed.length ? `changed: ${v.changed.join(', ')}` : 'no property changed but modified'),
        v.raw ? h('details', {}, h('summary', {}, 'STIX JSON of this version'), h('pre', { class: 'mono small pre' }, JSON.stringify(v.raw, null, 1))) : null)));
  return h('section', { id: 'history', 'aria-label': 'History of versions' }, h('h3', {}, 'History'), body);
}

export function renderDetailPanel(container: HTMLElement, context: DetailContext | null, actions: DetailActions): void {
  if (!context) {
    container.replaceChildren(h('h2', {}, 'Details'), h('p', { class: 'hint' },
      'Select a node to read it. Keys on the canvas: Enter expand, c collapse, h hide, p pin, Delete remove, [ ] previous/next node, Shift+[ ] add it to the selection (two selected: Path), f fit, Esc clear.'));
    return;
  }
  const { object } = context;
  const raw = object.raw ?? {};
  const relSelect = h('select', { id: 'expand-rel', 'aria-label': 'Relationship type to expand' },
    h('option', { value: '' }, 'any relationship'),
    Object.keys(RELATIONSHIP_EDGE_TYPES).sort().map((t) => h('option', { value: t }, t)));
  const typeSelect = h('select', { id: 'expand-type', 'aria-label': 'Object type to expand' },
    h('option', { value: '' }, 'any type'),
    [...SDO_TYPES, 'attribution-hypothesis', 'attribution-evidence', ...SCO_TYPES].sort().map((t) => h('option', { value: t }, t)));
  const button = (label: string, onClick: () => void, extra: Record<string, string | boolean> = {}) => {
    const b = h('button', { type: 'button', ...extra }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  const refs = h('input', { type: 'checkbox', id: 'expand-refs' });
  const expand = button('Expand', () => actions.expand(object.id, relSelect.value ? [relSelect.value] : null, typeSelect.value ? [typeSelect.value] : null, refs.checked), { id: 'action-expand', class: 'primary' });

  // ATT&CK descriptions are Markdown with "(Citation: …)": rendered safely, citations linked to the references.
  const citations = new Map(referencesOf(object).map((r) => [r.sourceName, r.url] as const));
  const description = typeof raw.description === 'string' ? renderMarkdown(raw.description, citations) : null;
  container.replaceChildren(
    h('h2', { class: 'detail-title' }, legendSwatch(object.type), h('span', {}, object.name ?? displayName(object))),
    h('p', { class: 'detail-meta' }, tlpBadge(tlpOf(object)), h('span', { class: 'mono' }, object.type)),
    h('p', { class: 'mono small' }, object.id),
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Explore' },
      h('div', { class: 'row' }, relSelect, typeSelect),
      h('div', { class: 'row small' }, refs, h('label', { for: 'expand-refs' }, 'also embedded references (created_by, object_refs …)')),
      h('div', { class: 'row' }, expand,
        button('Collapse', () => actions.collapse(object.id), { id: 'action-collapse', disabled: !context.expanded }),
        button(context.pinned ? 'Unpin' : 'Pin', () => actions.pin(object.id)),
        button('Hide', () => actions.hide(object.id)),
        button('Remove', () => actions.remove(object.id)))),
    badges(object, raw) ?? '',
    description ?? "",
    references(object) ?? "",
    markings(object),
    history(context, raw),
    h('section', {}, h('h3', {}, 'Notes and opinions'), context.annotations === null ? h('p', { class: 'hint' }, 'Loading…') :
      context.annotations.length === 0 ? h('p', { class: 'hint' }, 'None.') :
        h('ul', {}, context.annotations.map((a) => {
          const link = h('button', { type: 'button', class: 'link' }, `${a.type}: ${displayName(a)}`);
          link.addEventListener('click', () => actions.select(a.id));
          return h('li', {}, link);
        }))),
    h('section', {}, h('h3', {}, 'Properties'), object.raw === null
      // The server withholds the JSON of an object that names something above the viewer's clearance.
      ? h('p', { class: 'hint', id: 'raw-withheld' }, 'The STIX JSON of this object is withheld: it names an object you may not see.')
      : properties(raw, actions)),
  );
}
