/**
 * How a case's stored ratings and sources read back, for the Hypotheses view and the server's
 * brief alike: each analyst's latest rating of a cell (as of an instant), and an evidence item's
 * sources with their archived copies folded back in. Browser-safe: imports nothing.
 */

/** One stored rating (STIX `ratings` of an evidence item, as the API returns them). */
export interface StoredRating<R extends string = string> {
  hypothesisId: string;
  analyst: string;
  rating: R;
  rationale: string | null;
  ratedAt: string;
}

/** One analyst's latest rating of one cell. */
export interface CellRater<R extends string = string> {
  analyst: string;
  rating: R;
  rationale: string | null;
  ratedAt: string;
}

/** The latest rating of each analyst for one cell, given by `until` (ISO instant; null: any time), by analyst name. */
export function latestRaters<R extends string>(ratings: readonly StoredRating<R>[], hypothesisId: string, until: string | null): CellRater<R>[] {
  const latest = new Map<string, StoredRating<R>>();
  for (const r of ratings) {
    if (r.hypothesisId !== hypothesisId) continue;
    if (until && Date.parse(r.ratedAt) > Date.parse(until)) continue;
    const seen = latest.get(r.analyst);
    if (!seen || Date.parse(seen.ratedAt) <= Date.parse(r.ratedAt)) latest.set(r.analyst, r);
  }
  return [...latest.values()].sort((a, b) => a.analyst.localeCompare(b.analyst))
    .map((r) => ({ analyst: r.analyst, rating: r.rating, rationale: r.rationale, ratedAt: r.ratedAt }));
}

/** The name under which an archived copy of source `name` is stored (a second external reference). */
export function archiveSourceName(name: string): string {
  return `${name} (archive)`;
}

export interface FoldedSource {
  name: string;
  url: string | null;
  archiveUrl: string | null;
  description: string | null;
}

/** Sources as an analyst reads them: each `<name> (archive)` reference folded into its source's `archiveUrl`. */
export function foldSources(sources: readonly { name: string; url: string | null; description: string | null }[]): FoldedSource[] {
  const out: FoldedSource[] = [];
  for (const s of sources) {
    const archived = /^(.*) \(archive\)$/.exec(s.name);
    const owner = archived ? out.find((o) => o.name === archived[1] && !o.archiveUrl) : undefined;
    if (owner) owner.archiveUrl = s.url;
    else out.push({ name: s.name, url: s.url, archiveUrl: null, description: s.description });
  }
  return out;
}
