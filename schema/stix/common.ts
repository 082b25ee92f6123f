/**
 * Shared STIX 2.1 property types (spec §2 "Common data types" and §3 "Common properties"),
 * written from the STIX 2.1 specification as TypeBox schemas.
 *
 * ReDoS policy: every regex here is linear (no nested or overlapping quantifiers), and every
 * pattern on attacker-controlled text sits behind `cappedString`, which checks the length in an
 * `if` so the pattern never runs on an over-long string (ajv with `allErrors: true` evaluates
 * `maxLength` and `pattern` side by side, so keyword order alone would not protect us).
 *
 * Browser-safe: imports only TypeBox.
 */
import { Type, type TSchema, type TString, type SchemaOptions, type Static } from '@sinclair/typebox';

/** Longest STIX type name and property name (spec §2.x "type" / §3.1 property names). */
export const MAX_NAME_LENGTH = 250;
/** type (≤250) + "--" + 36-char UUID. */
export const MAX_IDENTIFIER_LENGTH = MAX_NAME_LENGTH + 2 + 36;

/** A string whose `pattern` only runs when it is no longer than `maxLength`. */
export function cappedString(
  maxLength: number,
  pattern: string,
  options: SchemaOptions & { minLength?: number } = {},
): TString {
  return Type.String({
    ...options,
    maxLength,
    if: { maxLength },
    then: { pattern, ...(options.description ? { description: options.description } : {}) },
  }) as TString;
}

// RFC 4122 UUID as the spec requires: version 1–5 nibble and the 10xx variant.
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
/**
 * Type-name part of an identifier: 3–250 characters (spec §3.1 / §2.9: the exact value of a `type`),
 * starts with a letter, ends with a letter or digit. Linear: the only choice point is where the
 * bounded `[a-z0-9-]{1,248}` stops (at most 248 places, each checked against a fixed-length
 * `--<uuid>` tail), and `cappedString` keeps the pattern off strings longer than 288 characters.
 */
const TYPE_NAME = '[a-z][a-z0-9-]{1,248}[a-z0-9]';

export const IDENTIFIER_PATTERN = `^${TYPE_NAME}--${UUID}$`;

/** `<type>--<uuid>` for any type (spec §2.9). */
export const Identifier = cappedString(MAX_IDENTIFIER_LENGTH, IDENTIFIER_PATTERN, {
  description: 'STIX identifier: <object-type>--<RFC 4122 UUID>',
});

/** An identifier whose type part is one of `types`. */
export function identifierOf(...types: readonly string[]): TString {
  const alternatives = types.join('|');
  return cappedString(MAX_IDENTIFIER_LENGTH, `^(?:${alternatives})--${UUID}$`, {
    description: `identifier of ${types.join(', ')}`,
  });
}

/** An identifier whose type part is NOT one of `types` (e.g. relationship endpoints). */
export function identifierNotOf(...types: readonly string[]): TSchema {
  return Type.Unsafe<string>({
    ...Identifier,
    not: { pattern: `^(?:${types.join('|')})--` },
    description: `identifier of any type except ${types.join(', ')}`,
  });
}

// RFC 3339 with mandatory Z (spec §2.14). Day-of-month validity is not checked by regex.
const TIMESTAMP =
  '^[0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?Z$';
const TIMESTAMP_MILLIS =
  '^[0-9]{4}-(?:0[1-9]|1[012])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)\\.[0-9]{3,}Z$';
/** Fractions beyond nanoseconds are meaningless; 64 chars is generous. */
const MAX_TIMESTAMP_LENGTH = 64;

export const Timestamp = cappedString(MAX_TIMESTAMP_LENGTH, TIMESTAMP, {
  description: 'RFC 3339 timestamp in UTC (Z)',
});
/** `created` / `modified`: precise to at least the millisecond (spec §3.2). */
export const TimestampMillis = cappedString(MAX_TIMESTAMP_LENGTH, TIMESTAMP_MILLIS, {
  description: 'RFC 3339 timestamp in UTC with at least millisecond precision',
});

/** Binary (spec §2.2): base64. Properties named `*_bin` carry it. Linear: fixed-size groups. */
export const Binary = Type.String({
  pattern: '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$',
  description: 'base64 (RFC 4648)',
});
/** Hex (spec §2.8): even number of hex digits. Properties named `*_hex` carry it. */
export const Hex = Type.String({ pattern: '^(?:[a-fA-F0-9]{2})+$', description: 'hex octets' });

/** A URL (spec §2.15 says RFC 3986). */
export const Url = Type.String({ format: 'uri' });

/** Lists MUST NOT be empty (spec §2.7). */
export function List<T extends TSchema>(items: T, options: SchemaOptions = {}) {
  return Type.Array(items, { minItems: 1, ...options });
}
export const StringList = List(Type.String());

/**
 * A value that may appear under a custom or unknown property name: anything but null, and a list
 * is never empty (spec §2.7, §3.1).
 */
export const PropertyValue = Type.Unsafe<unknown>({
  type: ['string', 'number', 'integer', 'boolean', 'object', 'array'],
  if: { type: 'array' },
  then: { minItems: 1 },
  description: 'any JSON value but null; lists must not be empty',
});

/**
 * Property names (spec §3.1): ASCII a–z, 0–9, underscore, 3–250 characters; `id` is the one
 * shorter name the spec defines.
 */
export const PROPERTY_NAME_PATTERN = '^(?:id|[a-z0-9_]{3,250})$';
export const PropertyName = cappedString(MAX_NAME_LENGTH, PROPERTY_NAME_PATTERN, {
  description: 'a STIX property name: 3–250 characters of a–z, 0–9 and _ (spec §3.1)',
});

/** Dictionary keys (spec §2.6): ASCII letters, digits, `_` and `-`, at most 250 characters. */
export const DictionaryKey = cappedString(MAX_NAME_LENGTH, '^[a-zA-Z0-9_-]+$', {
  description: 'a dictionary key: at most 250 characters of a–z, A–Z, 0–9, _ and - (spec §2.6)',
});

/** Dictionary (spec §2.6): non-empty, keys as above, values anything but null / empty list. */
export function Dictionary(value: TSchema = PropertyValue, options: SchemaOptions = {}) {
  return Type.Record(Type.String(), value, {
    minProperties: 1,
    propertyNames: DictionaryKey,
    ...options,
  });
}

/**
 * Rules every STIX object (and every extension body) applies to its own top-level properties:
 * valid names, no null values, no empty lists, `*_bin` / `*_hex` typed as binary / hex, and
 * `*_ref` / `*_refs` typed as identifier / non-empty list of identifiers (spec §2.9: every
 * identifier is `type--<RFC 4122 UUID>`) — including the properties of custom objects and
 * extensions, but not `x_*` custom properties, which stay free-form (ATT&CK 18.1 ships
 * `x_mitre_data_source_ref: ""` on seven data components). Linear patterns: a fixed lookahead, then
 * one anchored suffix scan.
 */
export const PROPERTY_RULES = {
  propertyNames: PropertyName,
  patternProperties: {
    '_bin$': Binary,
    '_hex$': Hex,
    '^(?!x_).*_ref$': Identifier,
    '^(?!x_).*_refs$': List(Identifier),
  },
  additionalProperties: PropertyValue,
} as const;

/** Hashes (spec §2.5, hash-algorithm-ov): known algorithms are checked, others allowed. */
export const Hashes = Type.Object(
  {
    MD5: Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{32}$' })),
    'SHA-1': Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{40}$' })),
    'SHA-256': Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{64}$' })),
    'SHA-512': Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{128}$' })),
    'SHA3-256': Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{64}$' })),
    'SHA3-512': Type.Optional(Type.String({ pattern: '^[a-fA-F0-9]{128}$' })),
    SSDEEP: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9/+:.]{1,128}$' })),
    TLSH: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9]{70}$' })),
  },
  {
    minProperties: 1,
    // Custom hash names: 3–250 dictionary-key characters.
    propertyNames: cappedString(MAX_NAME_LENGTH, '^[a-zA-Z0-9_-]{3,250}$', {
      description: 'a hash algorithm name: 3–250 characters of a–z, A–Z, 0–9, _ and -',
    }),
    additionalProperties: Type.String(),
    description: 'hashes: algorithm name → hash value',
  },
);
export type Hashes = Static<typeof Hashes>;

/** External reference (spec §2.5). CVE and CAPEC sources constrain external_id. */
export const ExternalReference = Type.Object(
  {
    source_name: Type.String(),
    description: Type.Optional(Type.String()),
    url: Type.Optional(Url),
    hashes: Type.Optional(Hashes),
    external_id: Type.Optional(Type.String()),
  },
  {
    allOf: [
      {
        if: { properties: { source_name: { const: 'cve' } } },
        then: {
          required: ['external_id'],
          properties: { external_id: { pattern: '^CVE-[0-9]{4}-(?:0[0-9]{3}|[1-9][0-9]{3,})$' } },
        },
      },
      {
        if: { properties: { source_name: { const: 'capec' } } },
        then: { required: ['external_id'], properties: { external_id: { pattern: '^CAPEC-[0-9]+$' } } },
      },
    ],
    anyOf: [{ required: ['external_id'] }, { required: ['description'] }, { required: ['url'] }],
  },
);
export type ExternalReference = Static<typeof ExternalReference>;

/** Kill chain phase (spec §2.8). */
export const KillChainPhase = Type.Object({
  kill_chain_name: Type.String(),
  phase_name: Type.String(),
});
export type KillChainPhase = Static<typeof KillChainPhase>;

/** Granular marking (spec §7.2.3): selectors plus marking_ref or lang. */
export const GranularMarking = Type.Object(
  {
    selectors: List(
      cappedString(
        4096,
        // a property path: name(.name|.[index])* — segments are separated by a dot, so linear.
        '^(?:id|[a-z0-9_-]{3,250})(?:\\.(?:\\[[0-9]+\\]|[a-z0-9_-]{1,250}))*$',
      ),
    ),
    lang: Type.Optional(Type.String()),
    marking_ref: Type.Optional(identifierOf('marking-definition')),
  },
  { required: ['selectors', 'marking_ref'] },
);
export type GranularMarking = Static<typeof GranularMarking>;

export const EXTENSION_TYPES = [
  'new-sdo',
  'new-sco',
  'new-sro',
  'property-extension',
  'toplevel-property-extension',
] as const;
export const ExtensionType = Type.Union(EXTENSION_TYPES.map((t) => Type.Literal(t)));
export type ExtensionType = Static<typeof ExtensionType>;

export const EXTENSION_DEFINITION_KEY_PATTERN = `^extension-definition--${UUID}$`;
/** Predefined extension keys end in `-ext` (spec §7.3). Linear: one anchored backoff scan. */
export const PREDEFINED_EXTENSION_KEY_PATTERN = '^[a-z][a-z0-9-]*-ext$';

/** Body of an `extension-definition--…` entry in `extensions` (spec §7.3). */
export const ExtensionBody = Type.Object(
  { extension_type: ExtensionType },
  { ...PROPERTY_RULES, minProperties: 1 },
);

/** Body of a predefined `*-ext` entry: non-empty, STIX property rules. */
export const PredefinedExtensionBody = Type.Object({}, { ...PROPERTY_RULES, minProperties: 1 });

/**
 * The `extensions` dictionary (spec §3.2, §7.3): keys are `extension-definition--<uuid>` or a
 * predefined `*-ext` name. `namedKeys` admits further fixed keys for types whose extension
 * definition names its own sub-extensions (the Incident Core `impact` object keys its
 * category-specific properties by category name, e.g. `availability`).
 */
export function Extensions(predefined: Record<string, TSchema> = {}, namedKeys: readonly string[] = []) {
  for (const key of namedKeys) {
    if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`extension key "${key}" is not a plain name`);
  }
  const named = namedKeys.length > 0 ? `|${namedKeys.join('|')}` : '';
  return Type.Object(
    Object.fromEntries(Object.entries(predefined).map(([k, v]) => [k, Type.Optional(v)])),
    {
      minProperties: 1,
      propertyNames: cappedString(
        MAX_NAME_LENGTH,
        `^(?:extension-definition--${UUID}|[a-z][a-z0-9-]*-ext${named})$`,
        { description: 'an extension key: extension-definition--<uuid> or a predefined *-ext name' },
      ),
      patternProperties: {
        '^extension-definition--': ExtensionBody,
        '-ext$': PredefinedExtensionBody,
        ...(namedKeys.length > 0 ? { [`^(?:${namedKeys.join('|')})$`]: PredefinedExtensionBody } : {}),
      },
      // No additionalProperties: propertyNames already admits only the key forms above.
      description: 'extensions: extension-definition id or predefined *-ext name → extension body',
    },
  );
}

/** Property names reserved by the spec (§3.1, reserved for future use); objects must not use them. */
export const RESERVED_PROPERTY_NAMES = ['severity', 'action', 'username', 'phone_numbers'] as const;
export const NOT_RESERVED = { not: { anyOf: RESERVED_PROPERTY_NAMES.map((p) => ({ required: [p] })) } };

/** Generic STIX type name (spec §2.x): 3–250 chars, a–z, 0–9, hyphen; not `action`. */
export const TypeName = Type.Unsafe<string>({
  ...cappedString(MAX_NAME_LENGTH, `^${TYPE_NAME}$`, { minLength: 3 }),
  not: { const: 'action' },
});
