/**
 * The minimal STIX shapes the importers produce. The full typed schemas live in `schema/stix/`;
 * importers emit plain JSON objects and let the STIX import service validate them.
 */
export interface StixObject {
  type: string;
  id: string;
  spec_version?: '2.1';
  [property: string]: unknown;
}

export interface Bundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

export interface ExternalReference {
  source_name: string;
  description?: string;
  url?: string;
  external_id?: string;
}
