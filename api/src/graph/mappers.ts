/**
 * The one place where Neo4j values become plain JSON-safe values: Integers become numbers (or
 * decimal strings beyond 2^53), temporal values ISO-8601 strings, nodes and relationships their
 * properties. Neo4j's internal element ids are never exposed.
 */
import neo4j from 'neo4j-driver';

export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

function isTemporal(value: unknown): boolean {
  return (
    neo4j.isDateTime(value as never) ||
    neo4j.isDate(value as never) ||
    neo4j.isLocalDateTime(value as never) ||
    neo4j.isLocalTime(value as never) ||
    neo4j.isTime(value as never) ||
    neo4j.isDuration(value as never)
  );
}

export function toPlain(value: unknown): Plain {
  if (value === null || value === undefined) return null;
  if (neo4j.isInt(value)) {
    return neo4j.integer.inSafeRange(value) ? neo4j.integer.toNumber(value) : neo4j.integer.toString(value);
  }
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (isTemporal(value)) return String(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (neo4j.isNode(value as never) || neo4j.isRelationship(value as never)) {
    return toPlain((value as { properties: Record<string, unknown> }).properties);
  }
  if (neo4j.isPath(value as never)) {
    throw new TypeError('Paths must be unpacked in Cypher (return nodes(p) and relationships(p) properties)');
  }
  if (typeof value === 'object') {
    // fromEntries defines each key, so a stored key named "__proto__" stays data, not a prototype.
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, toPlain(inner)]));
  }
  throw new TypeError(`Unsupported Neo4j value of type ${typeof value}`);
}

export type Row = Record<string, Plain>;

export function recordToRow(record: { keys: readonly PropertyKey[]; get(key: PropertyKey): unknown }): Row {
  const row: Row = {};
  for (const key of record.keys) row[String(key)] = toPlain(record.get(key));
  return row;
}
