import { describe, expect, it } from 'vitest';
import { eventVisibleTo, type ImportProgressEvent } from '../../../api/src/services/events';
import { makeViewer } from '../../../api/src/services/viewer';

const greenAnalyst = makeViewer('t-green', 'green', 'analyst', 'GREEN');
const otherGreen = makeViewer('t-other', 'other', 'analyst', 'GREEN');
const greenAdmin = makeViewer('t-gadmin', 'gadmin', 'admin', 'GREEN');
const redAdmin = makeViewer('t-radmin', 'radmin', 'admin', 'RED');
const progress = (viewerId: string, tlpRank: number): ImportProgressEvent => ({
  importId: 'i', viewerId, tlpRank, phase: 'write', done: 1, total: 2, at: '2026-01-01T00:00:00.000Z',
});

describe('importProgress visibility', () => {
  it('reaches whoever started the import whatever its rank, and admins only up to their clearance', () => {
    expect(eventVisibleTo(greenAnalyst, 'importProgress', progress('t-green', 4))).toBe(true);
    expect(eventVisibleTo(otherGreen, 'importProgress', progress('t-green', 0))).toBe(false);
    expect(eventVisibleTo(greenAdmin, 'importProgress', progress('t-green', 4))).toBe(false);
    expect(eventVisibleTo(greenAdmin, 'importProgress', progress('t-green', 1))).toBe(true);
    expect(eventVisibleTo(redAdmin, 'importProgress', progress('t-green', 4))).toBe(true);
  });

  it('assessmentChanged stays filtered by clearance', () => {
    const event = { incidentId: 'i', hypothesisId: 'h', tlpRank: 2, reason: 'rate-evidence', at: 'x' };
    expect(eventVisibleTo(greenAnalyst, 'assessmentChanged', event)).toBe(false);
    expect(eventVisibleTo(redAdmin, 'assessmentChanged', event)).toBe(true);
  });
});
