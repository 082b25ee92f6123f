/** A small valid fact sheet; tests edit single lines of it to make it invalid. */
export const MINIMAL_SHEET = `format: attribution-graph/fact-sheet@1
slug: test-case
title: Test case
tlp: AMBER
created: 2025-01-02T03:04:05Z
victim:
  name: Example Org
  sector: government-national
  country: FR
incident:
  determination: suspected
  investigation_status: open
dates:
  detected: 2025-01-01
sources:
  - id: src
    title: An article
    publisher: Example News
    url: https://news.example/article
    reliability: C
actors:
  - id: actor-1
    type: threat-actor
    name: Some actor
    category: cybercrime
hypotheses:
  - id: h1
    name: Cybercrime
    category: cybercrime
    prior: 0.5
    status: open
    author: analyst-a
    candidates: [actor-1]
  - id: h2
    name: Foreign interference
    category: foreign-interference
    prior: 0.5
    status: open
    author: analyst-a
evidence:
  - id: e1
    name: Something observed
    kind: fact
    sources: [src]
    collected_at: 2025-01-02
    ratings:
      - hypothesis: h1
        analyst: analyst-a
        rating: C
        rated_at: 2025-01-03T00:00:00Z
`;

/** Replace the whole line `line` (1-based) of `text`. */
export function withLine(text: string, line: number, replacement: string): string {
  const lines = text.split('\n');
  if (lines[line - 1] === undefined) throw new RangeError(`no line ${line}`);
  lines[line - 1] = replacement;
  return lines.join('\n');
}

/** The 1-based line number of the first line equal to `content` (after trimming the end). */
export function lineOf(text: string, content: string): number {
  const index = text.split('\n').findIndex((l) => l.trimEnd() === content);
  if (index < 0) throw new RangeError(`line not found: ${content}`);
  return index + 1;
}
