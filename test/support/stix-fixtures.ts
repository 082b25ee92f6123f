/** Small STIX 2.1 builders with deterministic ids, for API tests (imported through the service). */
export const TLP = {
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
  WHITE_1_0: 'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9',
  AMBER_1_0: 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82',
  RED_1_0: 'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed',
} as const;

/** A valid UUIDv4-shaped id from a number (same number, same id). */
export function sid(type: string, n: number, namespace = 0): string {
  return `${type}--00000000-${namespace.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const T0 = '2024-01-01T00:00:00.000Z';

export type Stix = Record<string, unknown> & { id: string; type: string };

export function sdo(type: string, id: string, props: Record<string, unknown> = {}): Stix {
  return { type, spec_version: '2.1', id, created: T0, modified: T0, ...props };
}

export function rel(id: string, relationshipType: string, source: string, target: string, props: Record<string, unknown> = {}): Stix {
  return sdo('relationship', id, { relationship_type: relationshipType, source_ref: source, target_ref: target, ...props });
}

export function bundle(objects: Stix[], n = 1): Record<string, unknown> {
  return { type: 'bundle', id: sid('bundle', n, 0xb), objects };
}
