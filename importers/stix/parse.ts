/**
 * Reading STIX input: a file (.json or .json.gz), stdin (`-`) or an https URL, with a byte limit
 * enforced before and while reading (a 2 GB file is refused from its size, without reading it).
 *
 * Two ways in, one shape out (`StixInput`): small plain files are read whole and parsed with
 * JSON.parse (fastest); everything else (big files, gzip, stdin, URLs) is parsed as a stream with
 * stream-json, one top-level object at a time, so memory stays bounded by the import batch.
 * Both accept a bundle, a bare array of objects or a single object (implicit bundle).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parser } from 'stream-json';
import Assembler from 'stream-json/assembler.js';

export interface Issue {
  objectId: string | null;
  path: string;
  message: string;
}

/** Input that cannot be read or is not a STIX bundle at all: reported, never thrown past the service. */
export class StixInputError extends Error {
  override name = 'StixInputError';
  constructor(
    message: string,
    readonly issues: Issue[] = [{ objectId: null, path: '', message }],
  ) {
    super(message);
  }
}

export type InputShape = 'bundle' | 'array' | 'object';

/** The envelope and objects of an input, whatever its shape. */
export interface StixInput {
  /** Objects in input order. For streamed input, iterate once. */
  objects: Iterable<unknown> | AsyncIterable<unknown>;
  /** Number of objects when known up front (in-memory input). */
  count: number | null;
  /** Set once the first token is read (streams) or at once (in-memory). */
  shape(): InputShape | null;
  /** The bundle's own properties (all but `objects`); complete after `objects` is exhausted. */
  envelope(): Record<string, unknown> | null;
  /** Bytes read so far and in total (when known), for progress. */
  bytes(): { read: number; total: number | null };
}

export interface ReadLimits {
  /** Largest input accepted, in bytes (after gunzip). */
  maxBytes: number;
  /** Plain files up to this size are parsed in memory with JSON.parse; bigger ones stream. */
  inMemoryMaxBytes: number;
}

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxBytes: 1024 * 1024 * 1024,
  inMemoryMaxBytes: 128 * 1024 * 1024,
});

function tooBig(size: number, max: number): StixInputError {
  return new StixInputError(
    `input is ${size} bytes; the limit is ${max} bytes (raise it with maxBytes / --max-bytes if you trust the source)`,
  );
}

/** From an already-parsed JSON value (GraphQL mutation, service callers, small files). */
export function inputFromValue(value: unknown, byteLength: number | null = null): StixInput {
  let shape: InputShape;
  let objects: unknown[];
  let envelope: Record<string, unknown> | null = null;
  if (Array.isArray(value)) {
    shape = 'array';
    objects = value;
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record.type === 'bundle') {
      shape = 'bundle';
      const { objects: inner, ...rest } = record;
      envelope = rest;
      if (inner !== undefined && !Array.isArray(inner)) {
        throw new StixInputError('the bundle\'s "objects" must be a list', [
          { objectId: null, path: 'objects', message: 'must be a list of STIX objects' },
        ]);
      }
      objects = inner ?? [];
    } else {
      shape = 'object';
      objects = [value];
    }
  } else {
    throw new StixInputError(`not a STIX bundle: the input is ${value === null ? 'null' : typeof value}, not a JSON object or array`);
  }
  return {
    objects,
    count: objects.length,
    shape: () => shape,
    envelope: () => envelope,
    bytes: () => ({ read: byteLength ?? 0, total: byteLength }),
  };
}

/** Parse JSON text; a syntax error becomes a StixInputError naming the position. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StixInputError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Counts bytes through a stream and fails it once they exceed the limit. */
class ByteLimit extends Transform {
  bytesRead = 0;
  constructor(private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytesRead += chunk.length;
    if (this.bytesRead > this.max) {
      done(tooBig(this.bytesRead, this.max));
      return;
    }
    done(null, chunk);
  }
}

type Token = { name: string; value?: unknown };

/**
 * Streams a JSON document as a StixInput: tokens from stream-json; each element of the bundle's
 * `objects` (or of a top-level array) is assembled on its own and handed out, then dropped.
 */
export function inputFromStream(raw: Readable, limits: ReadLimits, totalBytes: number | null): StixInput {
  const counter = new ByteLimit(limits.maxBytes);
  const tokens = raw.pipe(counter).pipe(parser.asStream({ streamValues: false }));
  raw.on('error', (e) => counter.destroy(e));
  counter.on('error', (e) => tokens.destroy(e));
  let shape: InputShape | null = null;
  const envelope: Record<string, unknown> = {};

  async function* objects(): AsyncGenerator<unknown> {
    let depth = 0;
    let key: string | null = null;
    let inObjects = false;
    let sawObjectsArray = false;
    let asm: Assembler | null = null;
    try {
      for await (const token of tokens as AsyncIterable<Token>) {
        if (asm) {
          asm.consume(token as never);
          if (asm.done) {
            const value = asm.current;
            asm = null;
            if (inObjects || shape === 'array') yield value;
            else if (key !== null) envelope[key] = value;
          }
          continue;
        }
        switch (token.name) {
          case 'startObject':
          case 'startArray': {
            if (depth === 0) {
              shape = token.name === 'startArray' ? 'array' : 'bundle';
              depth = 1;
              continue;
            }
            if (depth === 1 && shape === 'bundle' && key === 'objects' && token.name === 'startArray') {
              inObjects = true;
              depth = 2;
              continue;
            }
            asm = new Assembler();
            asm.consume(token as never);
            continue;
          }
          case 'endArray':
          case 'endObject':
            depth -= 1;
            if (inObjects && depth === 1) {
              inObjects = false;
              sawObjectsArray = true;
            }
            continue;
          case 'keyValue':
            if (depth === 1) key = String(token.value);
            continue;
          case 'stringValue':
          case 'numberValue':
          case 'nullValue':
          case 'trueValue':
          case 'falseValue': {
            const value =
              token.name === 'stringValue'
                ? token.value
                : token.name === 'numberValue'
                  ? Number(token.value)
                  : token.name === 'nullValue'
                    ? null
                    : token.name === 'trueValue';
            if (depth === 0) throw new StixInputError(`not a STIX bundle: the input is a JSON ${typeof value}`);
            if (shape === 'array') yield value;
            else if (key !== null) envelope[key] = value;
            continue;
          }
          default:
            continue;
        }
      }
    } catch (error) {
      if (error instanceof StixInputError) throw error;
      throw new StixInputError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (shape === null) throw new StixInputError('not JSON: the input is empty');
    if (shape === 'bundle' && envelope.type !== 'bundle') {
      // A single STIX object (or anything else) at the top: an implicit bundle of one.
      shape = 'object';
      if (sawObjectsArray) {
        throw new StixInputError('not a STIX bundle: an object with an "objects" list but no "type": "bundle"');
      }
      yield { ...envelope };
    }
  }

  return {
    objects: objects(),
    count: null,
    shape: () => shape,
    envelope: () => (shape === 'bundle' ? envelope : null),
    bytes: () => ({ read: counter.bytesRead, total: totalBytes }),
  };
}

function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

/**
 * Opens `source`: `-` for stdin, an https URL, or a file path (`.gz` is gunzipped). Sizes are
 * checked before reading when known (file size, Content-Length) and while reading otherwise.
 */
export async function openStixSource(
  source: string,
  limits: Partial<ReadLimits> = {},
  stdin: Readable = process.stdin,
): Promise<StixInput> {
  const lim: ReadLimits = { ...DEFAULT_READ_LIMITS, ...limits };
  if (source === '-') return inputFromStream(stdin, lim, null);
  if (isUrl(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw new StixInputError(`not a valid URL: ${source}`);
    }
    if (url.protocol !== 'https:') throw new StixInputError(`only https URLs are fetched (got ${url.protocol})`);
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'follow' });
    } catch (error) {
      throw new StixInputError(`could not fetch ${url.origin}${url.pathname}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok || response.body === null) {
      throw new StixInputError(`could not fetch ${url.origin}${url.pathname}: HTTP ${response.status}`);
    }
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > lim.maxBytes) {
      await response.body.cancel().catch(() => {});
      throw tooBig(length, lim.maxBytes);
    }
    let body = Readable.fromWeb(response.body as never);
    if (url.pathname.endsWith('.gz')) body = body.pipe(createGunzip());
    return inputFromStream(body, lim, Number.isFinite(length) ? length : null);
  }
  let size: number;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new StixInputError(`not a file: ${source}`);
    size = info.size;
  } catch (error) {
    if (error instanceof StixInputError) throw error;
    throw new StixInputError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (size > lim.maxBytes) throw tooBig(size, lim.maxBytes);
  if (source.endsWith('.gz')) {
    const gunzip = createGunzip();
    const file = createReadStream(source);
    file.on('error', (e) => gunzip.destroy(e));
    return inputFromStream(file.pipe(gunzip), lim, null);
  }
  if (size <= lim.inMemoryMaxBytes) {
    const text = await readFile(source, 'utf8');
    return inputFromValue(parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), size);
  }
  return inputFromStream(createReadStream(source, { highWaterMark: 1024 * 1024 }), lim, size);
}
