/**
 * The streaming reader (importers/stix/parse.ts `inputFromStream` over json-splitter.ts): what an
 * import sees when a bundle arrives in pieces — the same objects and envelope as JSON.parse of the
 * whole text, wherever the chunks are cut, and a clear error for every broken input.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_READ_LIMITS,
  inputFromStream,
  inputFromValue,
  openStixSource,
  StixInputError,
  type ReadLimits,
  type StixInput,
} from '../../../importers/stix/parse';

/** Splits `bytes` at the given offsets (sorted, inside the buffer). */
function cutAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let start = 0;
  for (const at of offsets) {
    chunks.push(bytes.subarray(start, at));
    start = at;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

function everyN(bytes: Buffer, n: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += n) chunks.push(bytes.subarray(i, i + n));
  return chunks;
}

function stream(chunks: Array<Buffer | string>, limits: Partial<ReadLimits> = {}): StixInput {
  return inputFromStream(Readable.from(chunks), { ...DEFAULT_READ_LIMITS, ...limits }, null);
}

interface Read {
  objects: unknown[];
  shape: ReturnType<StixInput['shape']>;
  envelope: ReturnType<StixInput['envelope']>;
  bytes: ReturnType<StixInput['bytes']>;
}

async function readAll(input: StixInput): Promise<Read> {
  const objects: unknown[] = [];
  for await (const o of input.objects as AsyncIterable<unknown>) objects.push(o);
  return { objects, shape: input.shape(), envelope: input.envelope(), bytes: input.bytes() };
}

/** Reads and returns the StixInputError the input ends with (fails the test if there is none). */
async function failure(input: StixInput): Promise<StixInputError> {
  try {
    await readAll(input);
  } catch (error) {
    expect(error).toBeInstanceOf(StixInputError);
    return error as StixInputError;
  }
  throw new Error('expected the input to be refused');
}

/** What the in-memory path (JSON.parse of the whole text) makes of the same text. */
function expected(text: string): Omit<Read, 'bytes'> {
  const parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  const input = inputFromValue(parsed);
  return { objects: [...(input.objects as unknown[])], shape: input.shape(), envelope: input.envelope() };
}

// A bundle with everything the scanner must step over: escapes (\" \\ \\\" \/ \u), multi-byte
// UTF-8 (2, 3 and 4 bytes), brackets and braces inside strings, nested arrays and objects,
// numbers, literals, empty containers, odd whitespace, envelope keys before and after `objects`,
// an escaped key.
const TRICKY = [
  '\uFEFF \r\n\t{ "type" : "bundle", "id":"bundle--0a6b1c8e-0000-4000-8000-000000000001",',
  '"x_note": "envelope \\"quoted\\" [not an array] {not an object}", "x_\\u006eested": {"a": [1, [2, [3, {}]], []]},',
  '"objects" : [',
  '{"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000001","name":"back\\\\slash \\\\\\" and \\"q\\"",',
  '"description":"caf\u00e9 \u65e5\u672c \u{1F600} \\u00e9\\ud83d\\ude00 \\/ \\b\\f\\n\\r\\t ] } [ {","x":[[],[[]],{"k":[{"l":"]"}]}],',
  '"n":-1.5e+3,"z":0,"t":true,"f":false,"u":null},',
  '\n  {"type":"note","id":"note--00000000-0000-4000-8000-000000000002","content":"\\\\","object_refs":[]} ,',
  '[1, "a rogue array element"], "a string element", 42, null, {}',
  ' ] , "spec_version" : "2.1", "x_after": [true, {"objects": [1]}] }  \n',
].join('');
const TRICKY_BYTES = Buffer.from(TRICKY, 'utf8');

describe('streamed input gives what JSON.parse of the whole text gives', () => {
  it('the tricky bundle, cut in two at every byte position (inside strings, escapes, UTF-8 sequences, the BOM)', async () => {
    const want = expected(TRICKY);
    expect(want.objects).toHaveLength(7);
    for (let at = 1; at < TRICKY_BYTES.length; at++) {
      const got = await readAll(stream(cutAt(TRICKY_BYTES, [at])));
      expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }, `cut at byte ${at}`).toEqual(want);
    }
  });

  it('the tricky bundle, one byte at a time, and in random cuts', async () => {
    const want = expected(TRICKY);
    const oneByOne = await readAll(stream(everyN(TRICKY_BYTES, 1)));
    expect({ objects: oneByOne.objects, shape: oneByOne.shape, envelope: oneByOne.envelope }).toEqual(want);
    expect(oneByOne.bytes.read).toBe(TRICKY_BYTES.length);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 1, max: TRICKY_BYTES.length - 1 }), { maxLength: 40 }), async (cuts) => {
        const got = await readAll(stream(cutAt(TRICKY_BYTES, [...cuts].sort((a, b) => a - b))));
        expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('random JSON documents of every shape, in random chunks', async () => {
    const element = fc.jsonValue({ maxDepth: 4 });
    const doc = fc.oneof(
      fc.record({ type: fc.constant('bundle'), id: fc.string(), objects: fc.array(element, { maxLength: 8 }) }),
      fc.array(element, { maxLength: 8 }),
      fc.dictionary(fc.string().filter((k) => k !== 'objects'), element, { maxKeys: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(doc, fc.integer({ min: 1, max: 17 }), fc.boolean(), async (value, size, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const got = await readAll(stream(everyN(Buffer.from(text, 'utf8'), size)));
        expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(expected(text));
      }),
      { numRuns: 400 },
    );
  });

  it('string chunks (a stream with an encoding set) read like bytes', async () => {
    const got = await readAll(stream([TRICKY.slice(0, 100), TRICKY.slice(100)]));
    expect(got.objects).toEqual(expected(TRICKY).objects);
  });

  it('a bare array, and a single object (STIX 2.0 observed-data, whose "objects" is a dictionary) as an implicit bundle', async () => {
    const array = await readAll(stream(['[{"type":"campaign"},', '{"type":"x-thing"}]']));
    expect(array).toMatchObject({ shape: 'array', envelope: null, objects: [{ type: 'campaign' }, { type: 'x-thing' }] });
    const observed = { type: 'observed-data', id: 'observed-data--1', objects: { 0: { type: 'file', name: 'a' } } };
    const single = await readAll(stream(everyN(Buffer.from(JSON.stringify(observed)), 5)));
    expect(single).toMatchObject({ shape: 'object', envelope: null, objects: [observed] });
  });

  it('an empty bundle and a bundle without "objects" give no objects and the envelope', async () => {
    expect(await readAll(stream(['{"type":"bundle","id":"bundle--1","objects":[]}']))).toMatchObject({
      objects: [],
      shape: 'bundle',
      envelope: { type: 'bundle', id: 'bundle--1' },
    });
    expect(await readAll(stream(['{"id":"bundle--2","type":"bundle"}']))).toMatchObject({ objects: [], envelope: { type: 'bundle', id: 'bundle--2' } });
  });

  it('a member named "__proto__" stays an own property of the object, as JSON.parse keeps it, and changes no prototype', async () => {
    // Found by the random-documents property above: the single object was rebuilt by assignment.
    const text = '{"type":"x-thing","__proto__":{"polluted":true},"name":"n"}';
    const got = await readAll(stream(everyN(Buffer.from(text), 7)));
    const object = got.objects[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.keys(object)).toEqual(['type', '__proto__', 'name']);
    expect(Object.getOwnPropertyDescriptor(object, '__proto__')?.value).toEqual({ polluted: true });
    expect((object as { polluted?: unknown }).polluted).toBeUndefined();
    const bundle = await readAll(stream(['{"type":"bundle","__proto__":{"polluted":true},"objects":[]}']));
    expect(Object.getPrototypeOf(bundle.envelope)).toBe(Object.prototype);
    expect(Object.keys(bundle.envelope ?? {})).toEqual(['type', '__proto__']);
  });
});

describe('streaming, not buffering', () => {
  it('hands out the first object before the rest has arrived, with the envelope read so far', async () => {
    const source = new PassThrough();
    const input = inputFromStream(source, DEFAULT_READ_LIMITS, null);
    expect(input.shape()).toBeNull();
    source.write('{"type":"bundle","id":"bundle--early","objects":[{"type":"campaign","id":"campaign--1"},');
    const it = (input.objects as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ done: false, value: { type: 'campaign', id: 'campaign--1' } });
    expect(input.shape()).toBe('bundle');
    expect(input.envelope()).toEqual({ type: 'bundle', id: 'bundle--early' });
    source.end('{"type":"campaign","id":"campaign--2"}],"spec_version":"2.1"}');
    expect(await it.next()).toEqual({ done: false, value: { type: 'campaign', id: 'campaign--2' } });
    expect((await it.next()).done).toBe(true);
    expect(input.envelope()).toEqual({ type: 'bundle', id: 'bundle--early', spec_version: '2.1' });
  });

  it('an object spread over many chunks comes out whole; progress counts every byte', async () => {
    const big = { type: 'note', id: 'note--1', content: 'é'.repeat(50_000) };
    const text = JSON.stringify({ type: 'bundle', id: 'bundle--3', objects: [big] });
    const got = await readAll(stream(everyN(Buffer.from(text), 997)));
    expect(got.objects).toEqual([big]);
    expect(got.bytes.read).toBe(Buffer.byteLength(text));
  });

  it('stopping early closes the source', async () => {
    const source = Readable.from([Buffer.from('[{"a":1},{"a":2},'), Buffer.from('{"a":3}]')]);
    const input = inputFromStream(source, DEFAULT_READ_LIMITS, null);
    for await (const o of input.objects as AsyncIterable<unknown>) {
      expect(o).toEqual({ a: 1 });
      break;
    }
    expect(source.destroyed).toBe(true);
  });
});

describe('broken input: a clear StixInputError', () => {
  const cases: Array<[string, string[], RegExp, string?]> = [
    ['empty', [''], /not JSON: the input is empty/],
    ['only whitespace and a BOM', ['\uFEFF  \n '], /not JSON: the input is empty/],
    ['not JSON at all', ['hello'], /not JSON/],
    ['an HTML error page', ['<html>'], /not JSON: unexpected '<' at byte 0/],
    ['truncated in the envelope', ['{"type": "bundle", '], /ends too early \(truncated\?\) inside the top-level object/],
    ['truncated inside an object', ['{"type":"bundle","objects":[{"type":"campaign"},', '{"type":"cam'], /ends too early.*inside objects\[1\]/, 'objects[1]'],
    ['truncated inside a string with an escape', ['[{"a":"x\\'], /ends too early.*inside objects\[0\]/, 'objects[0]'],
    ['truncated between objects', ['{"type":"bundle","objects":[{"a":1},'], /ends too early.*inside the "objects" list, after objects\[0\]/],
    ['truncated top-level array', ['[{"a":1}'], /ends too early.*inside the top-level array/],
    ['trailing garbage after a bundle', ['{"type":"bundle","objects":[]}', ' x'], /unexpected data after the end/],
    ['a second document after the first', ['[1]\n[2]'], /unexpected data after the end/],
    ['a bad object', ['{"type":"bundle","objects":[{"a":1},{"a":tru}]}'], /not JSON: objects\[1\] \(byte 36\): .*not valid JSON/, 'objects[1]'],
    ['mismatched brackets inside an object', ['[{"a":[1}]'], /not JSON: objects\[0\].*'}' at byte 8 closes a '\['/, 'objects[0]'],
    ['a missing comma between objects', ['[{"a":1} {"a":2}]'], /unexpected '\{' at byte 9, expected ',' or '\]'/],
    ['a trailing comma', ['[{"a":1},]'], /unexpected '\]' at byte 9, expected a JSON value/],
    ['an unquoted key', ['{type: "bundle"}'], /unexpected 't' at byte 1, expected a property name/],
    ['a missing colon', ['{"type" "bundle"}'], /expected ':' after "type"/],
    ['a top-level number', ['42'], /not a STIX bundle: the input is number/],
    ['a top-level string', ['"bundle"'], /not a STIX bundle: the input is string/],
    ['top-level null', ['null'], /not a STIX bundle: the input is null/],
    ['top-level true, cut', ['tr', 'ue'], /not a STIX bundle: the input is boolean/],
    ['an object with an "objects" list but no bundle type (type first)', ['{"type":"report","objects":[{"a":1}]}'], /an object with an "objects" list but no "type": "bundle"/],
    ['an object with an "objects" list but no bundle type (type last)', ['{"objects":[{"a":1}],"type":"report"}'], /an object with an "objects" list but no "type": "bundle"/],
    ['a bundle whose "objects" is not a list', ['{"type":"bundle","objects":{"a":1}}'], /"objects" must be a list/, 'objects'],
  ];
  for (const [name, chunks, message, path] of cases) {
    it(name, async () => {
      const error = await failure(stream(chunks.map((c) => Buffer.from(c))));
      expect(error.message).toMatch(message);
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]).toMatchObject({ objectId: null, path: path ?? '' });
    });
  }

  it('a type that is not bundle, read before "objects": refused before any object is handed out', async () => {
    const input = stream(['{"type":"report","objects":[{"a":1}', ',{"a":2}]}']);
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const o of input.objects as AsyncIterable<unknown>) seen.push(o);
      })(),
    ).rejects.toThrow(/no "type": "bundle"/);
    expect(seen).toEqual([]);
  });

  it('an object over the per-object limit is refused by its position, even spread over chunks', async () => {
    const small = { type: 'campaign', id: 'campaign--1', name: 'ok' };
    const big = { type: 'note', id: 'note--1', content: 'x'.repeat(5_000) };
    const text = Buffer.from(JSON.stringify({ type: 'bundle', objects: [small, big, small] }));
    const seen: unknown[] = [];
    const input = stream(everyN(text, 256), { maxObjectBytes: 1_000 });
    const error = await failure({
      ...input,
      objects: (async function* () {
        for await (const o of input.objects as AsyncIterable<unknown>) {
          seen.push(o);
          yield o;
        }
      })(),
    });
    expect(seen).toEqual([small]);
    expect(error.message).toMatch(/objects\[1\] \(starting at byte \d+\) is bigger than 1000 bytes, the limit for one object/);
    expect(error.issues[0]?.path).toBe('objects[1]');
    // Within the limit, the same object is read.
    expect((await readAll(stream(everyN(text, 256), { maxObjectBytes: 6_000 }))).objects).toEqual([small, big, small]);
  });

  it('an envelope value over the per-object limit is refused by its key', async () => {
    const text = JSON.stringify({ type: 'bundle', x_blob: 'y'.repeat(3_000), objects: [] });
    const error = await failure(stream([text], { maxObjectBytes: 1_000 }));
    expect(error.message).toMatch(/the value of "x_blob" .* is bigger than 1000 bytes/);
  });

  it('the byte limit is enforced while reading', async () => {
    const text = JSON.stringify({ type: 'bundle', objects: Array.from({ length: 100 }, (_, i) => ({ type: 'campaign', name: `c${i}` })) });
    const error = await failure(stream(everyN(Buffer.from(text), 100), { maxBytes: 1_000 }));
    expect(error.message).toMatch(/input is \d+ bytes; the limit is 1000 bytes/);
  });

  it('a failing source becomes a readable error, and a damaged .gz says so', async () => {
    const source = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    expect((await failure(inputFromStream(source, DEFAULT_READ_LIMITS, null))).message).toMatch(/cannot read the input: connection reset/);
    const dir = mkdtempSync(join(tmpdir(), 'ag-stream-reader-'));
    try {
      const gz = join(dir, 'cut.json.gz');
      writeFileSync(gz, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
      expect((await failure(await openStixSource(gz))).message).toMatch(/not gzip, or a damaged \.gz/);
      const good = join(dir, 'good.json.gz');
      writeFileSync(good, gzipSync(TRICKY_BYTES));
      const got = await readAll(await openStixSource(good));
      expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(expected(TRICKY));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every source is read the same way: gzip recognised from its first bytes, not a name', () => {
  /** Plain Uint8Array chunks (as a web stream gives), counting how many were pulled. */
  function bytesOf(data: Buffer, chunkSize: number) {
    const pulled = { chunks: 0, of: Math.ceil(data.length / chunkSize) };
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < data.length; i += chunkSize) {
        pulled.chunks += 1;
        yield new Uint8Array(data.subarray(i, i + chunkSize));
      }
    }
    return { bytes: bytes(), pulled };
  }

  it('a byte stream: gzip or plain, cut anywhere (the magic bytes split over two chunks too)', async () => {
    const gz = gzipSync(TRICKY_BYTES);
    for (const chunkSize of [1, 2, 7, 4096]) {
      const got = await readAll(await openStixSource({ bytes: bytesOf(gz, chunkSize).bytes, size: gz.length }));
      expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(expected(TRICKY));
    }
    // Plain and of a known size: read whole and JSON.parse'd, as a small file is.
    const whole = await openStixSource({ bytes: bytesOf(TRICKY_BYTES, 100).bytes, size: TRICKY_BYTES.length });
    expect(whole.count).toBe(expected(TRICKY).objects.length);
    // Of an unknown size: streamed.
    const streamed = await openStixSource({ bytes: bytesOf(TRICKY_BYTES, 100).bytes });
    expect(streamed.count).toBeNull();
    expect((await readAll(streamed)).objects).toEqual(expected(TRICKY).objects);
  });

  it('files and stdin: gzip named .json is gunzipped, plain JSON named .json.gz is read as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ag-stream-reader-'));
    try {
      const gzipNamedJson = join(dir, 'bundle.json');
      writeFileSync(gzipNamedJson, gzipSync(TRICKY_BYTES));
      const plainNamedGz = join(dir, 'bundle.json.gz');
      writeFileSync(plainNamedGz, TRICKY_BYTES);
      for (const file of [gzipNamedJson, plainNamedGz]) {
        const got = await readAll(await openStixSource(file));
        expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(expected(TRICKY));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const stdin = Readable.from(everyN(gzipSync(TRICKY_BYTES), 50));
    const got = await readAll(await openStixSource('-', {}, stdin));
    expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(expected(TRICKY));
  });

  it('a gzip bomb is refused once it inflates past maxBytes, without reading the rest of it', async () => {
    // 64 MiB of whitespace inside a bundle: about 64 KB gzipped.
    const inflated = Buffer.concat([Buffer.from('{"type":"bundle","objects":['), Buffer.alloc(64 * 1024 * 1024, 0x20), Buffer.from(']}')]);
    const bomb = gzipSync(inflated, { level: 9 });
    const source = bytesOf(bomb, 1024);
    const input = await openStixSource({ bytes: source.bytes, size: bomb.length }, { maxBytes: 1024 * 1024 });
    expect((await failure(input)).message).toMatch(/input is \d+ bytes; the limit is 1048576 bytes/);
    expect(source.pulled.chunks).toBeLessThan(source.pulled.of / 2);
    // A damaged gzip, whatever its name or source, says so.
    const cut = bytesOf(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), 4);
    expect((await failure(await openStixSource({ bytes: cut.bytes }))).message).toMatch(/not gzip, or a damaged \.gz/);
  });

  it('a source whose size is over maxBytes is refused unread', async () => {
    const source = bytesOf(TRICKY_BYTES, 10);
    await expect(openStixSource({ bytes: source.bytes, size: 2 * 1024 * 1024 * 1024 })).rejects.toThrow(/limit is \d+ bytes/);
    expect(source.pulled.chunks).toBe(0);
  });
});

const CORPUS = resolve(import.meta.dirname, '../../../../shared/corpus');
const HAVE_CORPUS = existsSync(CORPUS);

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

describe.skipIf(!HAVE_CORPUS)(`the shared corpus streamed in small chunks equals JSON.parse (skipped when ${CORPUS} is absent)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ag-stream-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = HAVE_CORPUS ? jsonFiles(CORPUS) : [];

  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThan(40);
  });

  for (const file of files) {
    it(relative(CORPUS, file), async () => {
      const bytes = readFileSync(file);
      // Small files in tiny chunks (every boundary kind gets hit); the big ATT&CK bundles in 4 KiB ones.
      const size = bytes.length > 1_000_000 ? 4093 : 61;
      const got = await readAll(stream(everyN(bytes, size)));
      expect({ objects: got.objects, shape: got.shape, envelope: got.envelope }).toEqual(expected(bytes.toString('utf8')));
      expect(got.bytes.read).toBe(bytes.length);
    });
  }
});
