/**
 * Reading STIX input: a file, stdin (`-`), an https URL or any byte stream (an upload), with a byte
 * limit enforced before and while reading (a 2 GB file is refused from its size, without reading
 * it). Every source goes through one function, `inputFromBytes`: gzip is recognised by its first
 * two bytes (1f 8b), never by a name, and the limits count the gunzipped bytes.
 *
 * Two ways in, one shape out (`StixInput`): small plain inputs of a known size (files, uploads) are
 * read whole and parsed with JSON.parse (fastest); everything else (big inputs, gzip, stdin, URLs)
 * is read as a stream by our splitter (json-splitter.ts), one object of `objects` at a time, each
 * cut out of the bytes and JSON.parse'd, so memory stays bounded by the import batch plus one object.
 * Both accept a bundle, a bare array of objects or a single object (implicit bundle).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JsonSplitError, JsonSplitter } from './json-splitter';
import type { Issue } from '../../schema/stix/issues';

export type { Issue };

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

/**
 * Bytes to import from anywhere (an upload, a pipe, any Readable: all are AsyncIterable<Uint8Array>).
 * Gzip or plain JSON, recognised from the content.
 */
export interface ByteSource {
  bytes: AsyncIterable<Uint8Array>;
  /**
   * Its exact length when known before reading (a file's or an upload's size): over `maxBytes` it
   * is refused unread; plain JSON up to `inMemoryMaxBytes` is read whole and JSON.parse'd.
   */
  size?: number | null;
}

/** What an import reads: a file path, `-` (stdin), an https URL, or a byte stream. */
export type StixSource = string | ByteSource;

export interface ReadLimits {
  /** Largest input accepted, in bytes (after gunzip). */
  maxBytes: number;
  /** Plain inputs of a known size up to this are parsed in memory with JSON.parse; others stream. */
  inMemoryMaxBytes: number;
  /** Streamed input: largest single object of `objects` (or envelope value), in bytes. */
  maxObjectBytes?: number;
  /** URLs: the whole fetch (redirects, headers and body) must end within this many ms. */
  fetchTimeoutMs?: number;
}

/** Default overall time limit of a URL import (fetch and body): 10 minutes. */
export const DEFAULT_FETCH_TIMEOUT_MS = 10 * 60_000;
/** Most redirects followed by a URL import (each must stay https). */
export const MAX_REDIRECTS = 5;

/**
 * GET `url` following at most MAX_REDIRECTS redirects by hand, each of which must stay https: an
 * https-only import never lands on plain http (or any other scheme) through a redirect.
 */
export async function fetchHttpsOnly(url: URL, signal: AbortSignal, fetchImpl: typeof fetch = fetch): Promise<Response> {
  let current = url;
  for (let hops = 0; ; hops++) {
    const response = await fetchImpl(current, { redirect: 'manual', signal });
    if (response.status < 300 || response.status >= 400 || response.status === 304) return response;
    const location = response.headers.get('location');
    await response.body?.cancel().catch(() => {});
    if (location === null) throw new StixInputError(`could not fetch ${current.origin}${current.pathname}: HTTP ${response.status} without a Location`);
    if (hops >= MAX_REDIRECTS) throw new StixInputError(`could not fetch ${url.origin}${url.pathname}: more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new StixInputError(`could not fetch ${current.origin}${current.pathname}: redirect to an invalid URL`);
    }
    if (next.protocol !== 'https:') {
      throw new StixInputError(`refused a redirect from ${current.origin} to ${next.protocol}//${next.host}: only https URLs are fetched`);
    }
    current = next;
  }
}

/** Largest single object (an element of `objects`, or an envelope value) by default: 64 MiB. */
export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;

export const DEFAULT_READ_LIMITS: Readonly<ReadLimits> = Object.freeze({
  maxBytes: 1024 * 1024 * 1024,
  inMemoryMaxBytes: 128 * 1024 * 1024,
  maxObjectBytes: DEFAULT_MAX_OBJECT_BYTES,
});

function tooBig(size: number, max: number): StixInputError {
  return new StixInputError(
    `input is ${size} bytes; the limit is ${max} bytes (raise it with maxBytes / --max-bytes if you trust the source)`,
  );
}

function notAnObjectOrArray(value: unknown): StixInputError {
  return new StixInputError(`not a STIX bundle: the input is ${value === null ? 'null' : typeof value}, not a JSON object or array`);
}

function objectsNotAList(): StixInputError {
  return new StixInputError('the bundle\'s "objects" must be a list', [
    { objectId: null, path: 'objects', message: 'must be a list of STIX objects' },
  ]);
}

function objectsWithoutBundle(): StixInputError {
  return new StixInputError('not a STIX bundle: an object with an "objects" list but no "type": "bundle"');
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
      if (inner !== undefined && !Array.isArray(inner)) throw objectsNotAList();
      objects = inner ?? [];
    } else {
      shape = 'object';
      objects = [value];
    }
  } else {
    throw notAnObjectOrArray(value);
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

function readError(error: unknown): StixInputError {
  if (error instanceof StixInputError) return error;
  if (error instanceof JsonSplitError) {
    return new StixInputError(error.message, [{ objectId: null, path: error.path, message: error.message }]);
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return new StixInputError(`not gzip, or a damaged .gz: ${message}`);
  return new StixInputError(`cannot read the input: ${message}`);
}

/**
 * Streams a JSON document as a StixInput with our own splitter (json-splitter.ts): each element
 * of the bundle's `objects` (or of a top-level array) is cut out of the bytes and JSON.parse'd on
 * its own, handed out, then dropped; memory holds one chunk and the element being cut. The byte
 * limit is checked on every chunk as it arrives.
 */
export function inputFromStream(raw: AsyncIterable<Uint8Array | string>, limits: ReadLimits, totalBytes: number | null): StixInput {
  let bytesRead = 0;
  let shape: InputShape | null = null;
  const envelope: Record<string, unknown> = {};
  const splitter = new JsonSplitter({ listKey: 'objects', maxValueBytes: limits.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES });

  async function* objects(): AsyncGenerator<unknown> {
    let sawObjectsArray = false;
    try {
      // Leaving this loop by a throw ends the source too (for-await calls its `return`).
      for await (const chunk of raw) {
        const buf = asBuffer(chunk);
        bytesRead += buf.length;
        if (bytesRead > limits.maxBytes) throw tooBig(bytesRead, limits.maxBytes);
        splitter.feed(buf);
        for (let event = splitter.next(); event !== null; event = splitter.next()) {
          switch (event) {
            case 'element':
              yield splitter.value;
              break;
            case 'member':
              // Defined, not assigned: a member named "__proto__" stays an own property (as
              // JSON.parse makes it) instead of replacing the envelope's prototype.
              Object.defineProperty(envelope, splitter.key, { value: splitter.value, enumerable: true, writable: true, configurable: true });
              break;
            case 'open':
              shape = splitter.topLevel === 'array' ? 'array' : 'bundle';
              break;
            case 'list-start':
              if ('type' in envelope && envelope.type !== 'bundle') throw objectsWithoutBundle();
              break;
            case 'list-end':
              sawObjectsArray = true;
              break;
            case 'scalar':
              throw notAnObjectOrArray(splitter.value);
            default: // 'close': only whitespace may follow, the splitter checks it
              break;
          }
        }
      }
      if (splitter.end() === 'scalar') throw notAnObjectOrArray(splitter.value);
    } catch (error) {
      throw readError(error);
    }
    if (shape === 'bundle' && envelope.type !== 'bundle') {
      // A single STIX object (or anything else) at the top: an implicit bundle of one.
      shape = 'object';
      if (sawObjectsArray) throw objectsWithoutBundle();
      yield { ...envelope };
    } else if (shape === 'bundle' && 'objects' in envelope) {
      throw objectsNotAList();
    }
  }

  return {
    objects: objects(),
    count: null,
    shape: () => shape,
    envelope: () => (shape === 'bundle' ? envelope : null),
    bytes: () => ({ read: bytesRead, total: totalBytes }),
  };
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The chunks read ahead (`head`), then the rest of the source; ending early ends the source. */
async function* withHead(head: Buffer[], rest: AsyncIterator<Uint8Array | string>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let r = await rest.next(); r.done !== true; r = await rest.next()) yield asBuffer(r.value);
  } finally {
    await rest.return?.();
  }
}

/** A gzip member starts with the magic bytes 1f 8b (RFC 1952). */
function isGzipHead(head: Buffer[]): boolean {
  const start = Buffer.concat(head, 2);
  return start.length === 2 && start[0] === 0x1f && start[1] === 0x8b;
}

/**
 * The one way bytes become a StixInput, whatever their source. Gzip is recognised by its magic
 * bytes and gunzipped as it is read; the byte limits (`maxBytes`, `maxObjectBytes`) then count the
 * gunzipped bytes, so a gzip bomb is refused as soon as it inflates past them. Plain JSON whose
 * exact size is known up front and fits `inMemoryMaxBytes` is read whole and JSON.parse'd (when
 * `whole` allows it); anything else streams through the splitter.
 */
async function inputFromBytes(
  bytes: AsyncIterable<Uint8Array | string>,
  lim: ReadLimits,
  size: number | null,
  whole: boolean,
): Promise<StixInput> {
  if (size !== null && size > lim.maxBytes) throw tooBig(size, lim.maxBytes);
  const source = bytes[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  try {
    while (headBytes < 2) {
      const r = await source.next();
      if (r.done === true) break;
      const chunk = asBuffer(r.value);
      head.push(chunk);
      headBytes += chunk.length;
    }
  } catch (error) {
    throw readError(error);
  }
  const rest = withHead(head, source);
  if (isGzipHead(head)) {
    const gunzip = createGunzip();
    // Errors of either side end both; the reader sees the first (readError names gzip's).
    pipeline(rest, gunzip, () => {});
    return inputFromStream(gunzip, lim, null);
  }
  if (!whole || size === null || size > lim.inMemoryMaxBytes) return inputFromStream(rest, lim, size);
  const chunks: Buffer[] = [];
  let read = 0;
  try {
    for await (const chunk of rest) {
      read += chunk.length;
      if (read > lim.maxBytes) throw tooBig(read, lim.maxBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    throw readError(error);
  }
  const text = Buffer.concat(chunks, read).toString('utf8');
  return inputFromValue(parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), read);
}

function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

/**
 * Opens `source`: a byte stream, `-` for stdin, an https URL, or a file path. Sizes are checked
 * before reading when known (file size, upload size, Content-Length) and while reading otherwise;
 * gzip is recognised from the content (inputFromBytes).
 */
export async function openStixSource(
  source: StixSource,
  limits: Partial<ReadLimits> = {},
  stdin: Readable = process.stdin,
  fetchImpl: typeof fetch = fetch,
): Promise<StixInput> {
  const lim: ReadLimits = { ...DEFAULT_READ_LIMITS, ...limits };
  if (typeof source !== 'string') return inputFromBytes(source.bytes, lim, source.size ?? null, true);
  if (source === '-') return inputFromBytes(stdin, lim, null, false);
  if (isUrl(source)) {
    let url: URL;
    try {
      url = new URL(source);
    } catch {
      throw new StixInputError(`not a valid URL: ${source}`);
    }
    if (url.protocol !== 'https:') throw new StixInputError(`only https URLs are fetched (got ${url.protocol})`);
    let response: Response;
    // One deadline for everything, body included (the signal also aborts the body stream).
    const signal = AbortSignal.timeout(lim.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS);
    try {
      response = await fetchHttpsOnly(url, signal, fetchImpl);
    } catch (error) {
      if (error instanceof StixInputError) throw error;
      const why = signal.aborted ? `no answer within ${lim.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS} ms` : error instanceof Error ? error.message : String(error);
      throw new StixInputError(`could not fetch ${url.origin}${url.pathname}: ${why}`);
    }
    if (!response.ok || response.body === null) {
      throw new StixInputError(`could not fetch ${url.origin}${url.pathname}: HTTP ${response.status}`);
    }
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > lim.maxBytes) {
      await response.body.cancel().catch(() => {});
      throw tooBig(length, lim.maxBytes);
    }
    // Streamed always (Content-Length is not the body's length under a Content-Encoding).
    return inputFromBytes(Readable.fromWeb(response.body as never), lim, Number.isFinite(length) ? length : null, false);
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
  return inputFromBytes(createReadStream(source, { highWaterMark: 64 * 1024 }), lim, size, true);
}
