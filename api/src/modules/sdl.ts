/**
 * The SDL of schema/graphql as one document: what the executable schema, the web documents'
 * validation test and the code generator (codegen.ts) all read. No resolvers here, so the
 * generator and tests can load it without the app.
 *
 * One build step on top of GraphQL: interface fields are written once. GraphQL wants every type
 * that implements an interface to restate each of the interface's fields; here an object type
 * inherits the fields it does not declare, in the interface's order, with the interface's
 * descriptions. A field the type does declare keeps the type's definition (where it means
 * something particular for that type). schema/graphql/generated/schema.graphql is the result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, Source, type DocumentNode, type FieldDefinitionNode, type InterfaceTypeDefinitionNode } from 'graphql';

export const SDL_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schema', 'graphql');

/** The SDL files, in name order, as one document with interface fields inherited. */
export function loadTypeDefs(): DocumentNode {
  const definitions = readdirSync(SDL_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .flatMap((file) => parse(new Source(readFileSync(join(SDL_DIR, file), 'utf8'), `schema/graphql/${file}`)).definitions);
  return inheritInterfaceFields({ kind: Kind.DOCUMENT, definitions });
}

/** Each object type implementing an interface of the document gets the interface fields it does not declare. */
export function inheritInterfaceFields(document: DocumentNode): DocumentNode {
  const interfaces = new Map(
    document.definitions
      .filter((d): d is InterfaceTypeDefinitionNode => d.kind === Kind.INTERFACE_TYPE_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const definitions = document.definitions.map((d) => {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION || !d.interfaces?.length) return d;
    const own = new Map((d.fields ?? []).map((f) => [f.name.value, f]));
    const fields: FieldDefinitionNode[] = [];
    const placed = new Set<string>();
    for (const field of d.interfaces.flatMap((i) => interfaces.get(i.name.value)?.fields ?? [])) {
      if (placed.has(field.name.value)) continue;
      placed.add(field.name.value);
      fields.push(own.get(field.name.value) ?? field);
    }
    fields.push(...(d.fields ?? []).filter((f) => !placed.has(f.name.value)));
    return { ...d, fields };
  });
  return { ...document, definitions };
}
