/**
 * The brief's HTML (api/src/services/brief-html.ts): what a decision-maker reads, from a model.
 */
import { describe, expect, it } from 'vitest';
import { briefHtml, historySvg, type BriefModel } from '../../../api/src/services/brief-html';

const hyp = (id: string, name: string, posterior: number, label: string) => ({ id, name, status: 'OPEN', prior: null, posterior, label });

function model(over: Partial<BriefModel> = {}): BriefModel {
  return {
    incidentId: 'incident--1', incidentName: 'Case <b>1</b>', tlp: 'AMBER', asOf: null, generatedAt: '2026-01-01T00:00:00Z', generatedBy: 'analyst <a>',
    hypotheses: [hyp('h1', 'A <script>', 0.41, 'unlikely'), hyp('h2', 'B', 0.39, 'unlikely'), hyp('h3', 'C', 0.2, 'very unlikely')],
    lead: { status: 'TIE', tied: ['h1', 'h2'], restsOn: [] },
    confidence: { level: 'low', reasons: ['one analyst rated'] },
    changers: [],
    evidence: [{
      id: 'e1', name: 'Leak', kind: 'fact', knownAt: '2025-12-11T20:00:00Z', grade: 'B2', discredited: false, effectiveWeight: 1,
      cells: {
        h1: { rating: 'C', raters: 2, unanimous: false, analysts: [{ analyst: 'a', rating: 'C', rationale: null, ratedAt: '' }, { analyst: 'b', rating: 'I', rationale: null, ratedAt: '' }] },
        h2: { rating: 'N', raters: 0, unanimous: true, analysts: [] },
      },
      sources: [{ name: 'Paper', url: 'https://example.org/a', archiveUrl: 'javascript:alert(1)', description: null }],
    }],
    laterEvidence: 0,
    history: [],
    ...over,
  };
}

describe('brief HTML', () => {
  it('carries the TLP banner twice, says a tie as a tie, and escapes every value', () => {
    const html = briefHtml(model());
    expect(html.match(/class="tlp (top|bottom)">TLP:AMBER</g)).toHaveLength(2);
    expect(html).toContain('<strong>No hypothesis leads.</strong> “A &lt;script&gt;” (41.0 %) and “B” (39.0 %) are within 5 points');
    expect(html).not.toContain('<script');
    expect(html).toContain('Case &lt;b&gt;1&lt;/b&gt;');
    expect(html).toContain('for analyst &lt;a&gt;');
    // A split cell shows each analyst's rating; a cell nobody rated is blank, not N.
    expect(html).toContain('<td class="r-C">C <span class="split">(C·I)</span></td>');
    expect(html).toContain('<td class="blank">blank</td>');
    expect(html).toContain('<td class="blank">blank</td></tr>');
    // Only http(s) links.
    expect(html).toContain('<a href="https://example.org/a">Paper</a>');
    expect(html).not.toContain('javascript:');
  });

  it('names the leader in ICD 203 words with the runner-up, and a lead resting on one analyst as no lead', () => {
    const clear = briefHtml(model({ hypotheses: [hyp('h1', 'Crime', 0.62, 'likely'), hyp('h2', 'State', 0.3, 'unlikely')], lead: { status: 'CLEAR', tied: ['h1'], restsOn: [] } }));
    expect(clear).toContain('We assess it is <strong>likely</strong> (62.0 %) that “Crime”. Next: “State”, unlikely (30.0 %).');
    const resting = briefHtml(model({ hypotheses: [hyp('h1', 'Crime', 0.62, 'likely'), hyp('h2', 'State', 0.3, 'unlikely')], lead: { status: 'TIE', tied: ['h1'], restsOn: ['analyst-b'] } }));
    expect(resting).toContain('the lead would rest on the ratings of analyst-b alone');
    expect(resting).not.toContain('We assess it is');
  });

  it('says what would change the lead, the analytic confidence apart, and evidence left out as of a date', () => {
    const html = briefHtml(model({ changers: ['without “Leak”, “B” would lead'], laterEvidence: 2, asOf: '2025-12-12T23:59:59Z' }));
    expect(html).toContain('What would change the lead: without “Leak”, “B” would lead.');
    expect(html).toContain('Analytic confidence: <strong>low</strong> — one analyst rated');
    expect(html).toContain('2 later evidence items not counted');
    // Nothing to name: said for a clear lead and for a tie alike.
    expect(briefHtml(model({ lead: { status: 'CLEAR', tied: ['h1'], restsOn: [] } }))).toContain('No single evidence item, removed or restored, changes the lead.');
    expect(briefHtml(model())).toContain('No single evidence item, removed or restored, gives a clear leader.');
    expect(html).toContain('as of 2025-12-12T23:59:59Z');
  });

  it('draws the history on the case’s own span: hours when it lasts a day or two, days otherwise', () => {
    const short = historySvg(model({ history: [
      { asOf: '2025-12-13T09:00:00Z', posteriors: { h1: 0.5, h2: 0.3, h3: 0.2 } },
      { asOf: '2025-12-13T17:30:00Z', posteriors: { h1: 0.41, h2: 0.39, h3: 0.2 } },
    ] }))!;
    expect(short).toContain('>2025-12-13 09:00<');
    expect(short).toContain('>2025-12-13 17:30<');
    expect(short.match(/<polyline/g)).toHaveLength(3);
    const long = historySvg(model({ history: [
      { asOf: '2025-12-01T09:00:00Z', posteriors: { h1: 0.5 } },
      { asOf: '2025-12-20T09:00:00Z', posteriors: { h1: 0.4 } },
    ] }))!;
    expect(long).toContain('>2025-12-01<');
    expect(long).toContain('>2025-12-20<');
    expect(historySvg(model({ history: [{ asOf: '2025-12-01T09:00:00Z', posteriors: { h1: 0.5 } }] }))).toBeNull();
    // Ratings given months after the events: steps stay evenly spaced, not crushed at one end.
    const late = historySvg(model({ history: [
      { asOf: '2025-12-11T20:00:00Z', posteriors: { h1: 0.5 } },
      { asOf: '2025-12-12T08:00:00Z', posteriors: { h1: 0.45 } },
      { asOf: '2026-10-01T08:00:00Z', posteriors: { h1: 0.4 } },
    ] }))!;
    const xs = /<polyline[^>]* points="([^"]+)"/.exec(late)![1]!.split(' ').map((pt) => Number(pt.split(',')[0]));
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 5);
    expect(late).toContain('>2026-10-01<');
  });
});
