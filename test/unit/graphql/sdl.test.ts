/**
 * Interface fields written once (api/src/modules/sdl.ts): an implementing type inherits the
 * interface fields it does not declare, in the interface's order, and keeps those it declares.
 */
import { assertInterfaceType, assertObjectType, buildASTSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { inheritInterfaceFields, loadTypeDefs } from '../../../api/src/modules/sdl';

describe('inheritInterfaceFields', () => {
  const schema = buildASTSchema(inheritInterfaceFields(parse(`
    type Query { thing: Thing }
    interface Thing {
      "Identifier."
      id: ID!
      "Name."
      name: String
    }
    type Widget implements Thing {
      "Size in mm."
      size: Int
      "The widget's label, as name."
      name: String
    }
  `)));
  const widget = assertObjectType(schema.getType('Widget'));

  it('puts the inherited and redeclared fields in the interface order, then the type own fields', () => {
    expect(Object.keys(widget.getFields())).toEqual(['id', 'name', 'size']);
  });

  it('keeps the interface description for an inherited field and the type one for a redeclared field', () => {
    expect(widget.getFields().id?.description).toBe('Identifier.');
    expect(widget.getFields().name?.description).toBe("The widget's label, as name.");
  });
});

describe('the SDL of schema/graphql', () => {
  const schema = buildASTSchema(loadTypeDefs());

  it('gives each of the ten STIX object types every StixObject field', () => {
    const stixObject = assertInterfaceType(schema.getType('StixObject'));
    const common = Object.keys(stixObject.getFields());
    const types = schema.getImplementations(stixObject).objects;
    expect(types.map((t) => t.name).sort()).toEqual(
      ['AttackPattern', 'Campaign', 'GenericStixObject', 'Indicator', 'IntrusionSet', 'Malware', 'MarkingDefinition', 'Relationship', 'ThreatActor', 'Tool'],
    );
    for (const type of types) expect(Object.keys(type.getFields()).slice(0, common.length)).toEqual(common);
  });
});
