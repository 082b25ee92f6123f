/** What the History section says changed between two versions of a STIX object. */
import { describe, expect, it } from 'vitest';
import { changedProperties } from '../../../api/src/services/object-history.service';

describe('changedProperties', () => {
  const v1 = { type: 'malware', id: 'malware--1', modified: '2025-01-01T00:00:00Z', name: 'X', labels: ['a', 'b'], kill_chain_phases: [{ kill_chain_name: 'k', phase_name: 'p' }] };

  it('lists added, removed and changed top-level properties, sorted, without modified', () => {
    const v2 = { ...v1, modified: '2025-02-01T00:00:00Z', name: 'Y', description: 'new', labels: ['a'] } as Record<string, unknown>;
    delete v2.kill_chain_phases;
    expect(changedProperties(v2, v1)).toEqual(['description', 'kill_chain_phases', 'labels', 'name']);
  });

  it('ignores key order inside nested objects, but not list order', () => {
    const reordered = { ...v1, kill_chain_phases: [{ phase_name: 'p', kill_chain_name: 'k' }] };
    expect(changedProperties(reordered, v1)).toEqual([]);
    expect(changedProperties({ ...v1, labels: ['b', 'a'] }, v1)).toEqual(['labels']);
  });

  it('treats a missing raw as empty', () => {
    expect(changedProperties(null, { id: 'x', modified: 'm' })).toEqual(['id']);
  });
});
