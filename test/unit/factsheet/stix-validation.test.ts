import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { credentialsToBundle, parseCredentialRecords } from '../../../importers/credentials';
import { caseIds, factSheetToBundle, parseFactSheet } from '../../../importers/factsheet';
import { validateBundle } from '../../../schema/stix';

describe('importer bundles pass schema/stix validateBundle', () => {
  it('the reference case bundle', () => {
    const bundle = factSheetToBundle(parseFactSheet(readFileSync('seed/reference-case.yaml', 'utf8')));
    expect(validateBundle(bundle)).toEqual([]);
  });

  it('the synthetic credential-exposure bundle', () => {
    const slug = 'fr-interior-mail-intrusion-2025-12';
    const ids = caseIds(slug);
    const records = parseCredentialRecords(readFileSync('seed/credentials-sample.csv', 'utf8'), 'seed/credentials-sample.csv');
    const bundle = credentialsToBundle(records, {
      slug, incidentRef: ids.incident, victimRef: ids.victim, staffDomains: ['interieur.example'],
      incidentDate: '2025-12-11', collectedAt: '2025-12-13T15:55:49Z',
    });
    expect(validateBundle(bundle)).toEqual([]);
  });
});
