/**
 * A lean streaming reader for one JSON document whose top level is an object or an array.
 *
 * It scans UTF-8 bytes chunk by chunk and understands only the top level: the members of a
 * top-level object (`key: value`), and the elements of a top-level array or of one chosen member
 * holding an array (the STIX bundle's `objects`). Each element and each member value is cut out
 * of the bytes as one slice and handed to JSON.parse, so the per-token garbage of a tokenizer
 * never exists and the parsed values own their strings (decoded from a Buffer range, not sliced
 * from a larger JS string that would keep a whole chunk alive).
 *
 * Memory: the splitter holds the current chunk and, while a value spans chunks, the pieces of
 * that one value; a value bigger than `maxValueBytes` is refused. Nothing else accumulates.
 *
 * Inside a value it tracks only strings (with their escapes) and bracket nesting, which is all it
 * needs to find where the value ends; JSON.parse checks the rest. Outside values it checks the
 * grammar itself (commas, colons, keys, closing brackets, nothing after the end).
 *
 * Usage (pull): `feed(chunk)`, then call `next()` until it returns null (the chunk is used up),
 * then feed the next chunk; at the end of input call `end()` (and `next()` is not needed after).
 * Each event's data is in `value`, `key`, `index` until the next call.
 */

/** A syntax problem, a truncated input or a value over the size limit. `path` names the value. */
export class JsonSplitError extends Error {
  override name = 'JsonSplitError';
  constructor(
    message: string,
    readonly path: string = '',
  ) {
    super(message);
  }
}

export type SplitEvent =
  /** The top-level object or array opened (see `topLevel`). */
  | 'open'
  /** A member of the top-level object other than the streamed list: `key`, `value`. */
  | 'member'
  /** The streamed list (`listKey` member holding an array) opened. */
  | 'list-start'
  /** One element of the streamed list or of the top-level array: `value`, `index`. */
  | 'element'
  /** The streamed list closed. */
  | 'list-end'
  /** The top-level object or array closed (only whitespace may follow). */
  | 'close'
  /** The top-level value is a scalar (string, number, true, false, null): `value`. */
  | 'scalar';

export interface JsonSplitterOptions {
  /** The top-level member whose array is streamed element by element (STIX: `objects`). */
  listKey: string;
  /** Largest element or member value, in bytes (UTF-8 as read). */
  maxValueBytes: number;
}

// Bytes
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

// Where we are outside values
const S_BOM1 = 0; // read 0xEF at offset 0: expect 0xBB
const S_BOM2 = 1; // expect 0xBF
const S_START = 2; // before the top-level value
const S_KEY_OR_CLOSE = 3; // after '{'
const S_KEY = 4; // after ',' in the top-level object
const S_COLON = 5;
const S_VALUE = 6; // after ':'
const S_MEMBER_NEXT = 7; // after a member: ',' or '}'
const S_ELEM_OR_CLOSE = 8; // after '['
const S_ELEM = 9; // after ',' in an array
const S_ELEM_NEXT = 10; // after an element: ',' or ']'
const S_DONE = 11; // after the top-level value

// What the value being cut is for
const FOR_KEY = 0;
const FOR_MEMBER = 1;
const FOR_ELEMENT = 2;
const FOR_TOP = 3;

// What kind of value is being cut
const K_CONTAINER = 0;
const K_STRING = 1;
const K_SCALAR = 2;

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Bytes that can continue a number or a literal (true/false/null); JSON.parse judges the rest. */
function isScalarByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b === 0x2e || b === 0x2b || b === 0x2d;
}

function show(b: number): string {
  return b >= 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}

export class JsonSplitter {
  /** Shape of the top-level value once known. */
  topLevel: 'object' | 'array' | null = null;
  /** Data of the last event. */
  key = '';
  value: unknown = undefined;
  /** Index of the last element (counted across the whole document). */
  index = -1;

  private readonly listKey: string;
  private readonly maxValueBytes: number;

  private state = S_START;
  /** True while the current array is the streamed list (false: the top-level array). */
  private inList = false;
  /** The chunk being scanned, the position in it, and the stream offset of its first byte. */
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private base = 0;

  // The value being cut (cutting === true)
  private cutting = false;
  private cutFor = FOR_KEY;
  private cutKind = K_CONTAINER;
  private cutStart = 0;
  /** Stream offset of the value's first byte (for messages). */
  private cutOffset = 0;
  /** Earlier pieces of a value that spans chunks, and their total length. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private depth = 0;
  private readonly stack: number[] = [];
  private inString = false;
  private escaped = false;

  constructor(options: JsonSplitterOptions) {
    this.listKey = options.listKey;
    this.maxValueBytes = options.maxValueBytes;
  }

  /** Bytes scanned so far. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Hands over the next chunk; the previous one must be used up (`next()` returned null). */
  feed(chunk: Buffer): void {
    if (this.pos < this.buf.length) throw new Error('JsonSplitter.feed: the previous chunk is not used up');
    this.base += this.buf.length;
    this.buf = chunk;
    this.pos = 0;
    if (this.cutting) this.cutStart = 0;
  }

  /** The next event from the current chunk, or null when it is used up. */
  next(): SplitEvent | null {
    const buf = this.buf;
    const len = buf.length;
    for (;;) {
      if (this.cutting) {
        const end = this.scan(buf, this.pos, len);
        if (end < 0) {
          this.keepPart(buf, len);
          this.pos = len;
          return null;
        }
        this.pos = end;
        const event = this.finishCut(buf, end);
        if (event !== null) return event;
        continue;
      }
      let i = this.pos;
      while (i < len && isWhitespace(buf[i]!) && this.state !== S_BOM1 && this.state !== S_BOM2) i++;
      if (i >= len) {
        this.pos = len;
        return null;
      }
      const b = buf[i]!;
      this.pos = i + 1;
      switch (this.state) {
        case S_BOM1:
        case S_BOM2:
          if (b !== (this.state === S_BOM1 ? 0xbb : 0xbf)) throw this.unexpected(b, i, 'a JSON object or array');
          this.state = this.state === S_BOM1 ? S_BOM2 : S_START;
          continue;
        case S_START:
          if (b === 0xef && this.base + i === 0) {
            this.state = S_BOM1;
            continue;
          }
          if (b === OPEN_OBJECT) {
            this.topLevel = 'object';
            this.state = S_KEY_OR_CLOSE;
            return 'open';
          }
          if (b === OPEN_ARRAY) {
            this.topLevel = 'array';
            this.inList = false;
            this.state = S_ELEM_OR_CLOSE;
            return 'open';
          }
          this.startCut(FOR_TOP, b, i);
          continue;
        case S_KEY_OR_CLOSE:
        case S_KEY:
          if (b === QUOTE) {
            this.startCut(FOR_KEY, b, i);
            continue;
          }
          if (b === CLOSE_OBJECT && this.state === S_KEY_OR_CLOSE) {
            this.state = S_DONE;
            return 'close';
          }
          throw this.unexpected(b, i, 'a property name in double quotes');
        case S_COLON:
          if (b !== COLON) throw this.unexpected(b, i, `':' after "${this.key}"`);
          this.state = S_VALUE;
          continue;
        case S_VALUE:
          if (b === OPEN_ARRAY && this.key === this.listKey) {
            this.inList = true;
            this.state = S_ELEM_OR_CLOSE;
            return 'list-start';
          }
          this.startCut(FOR_MEMBER, b, i);
          continue;
        case S_MEMBER_NEXT:
          if (b === COMMA) {
            this.state = S_KEY;
            continue;
          }
          if (b === CLOSE_OBJECT) {
            this.state = S_DONE;
            return 'close';
          }
          throw this.unexpected(b, i, "',' or '}'");
        case S_ELEM_OR_CLOSE:
        case S_ELEM:
          if (b === CLOSE_ARRAY && this.state === S_ELEM_OR_CLOSE) return this.closeArray();
          this.startCut(FOR_ELEMENT, b, i);
          continue;
        case S_ELEM_NEXT:
          if (b === COMMA) {
            this.state = S_ELEM;
            continue;
          }
          if (b === CLOSE_ARRAY) return this.closeArray();
          throw this.unexpected(b, i, "',' or ']'");
        default: // S_DONE
          throw new JsonSplitError(`not JSON: unexpected data after the end of the JSON document (${show(b)} at byte ${this.base + i})`);
      }
    }
  }

  /**
   * The input has ended: finishes a top-level scalar (`'scalar'`) or checks that the document
   * was complete (null). Throws on empty or truncated input.
   */
  end(): SplitEvent | null {
    if (this.cutting && this.cutKind === K_SCALAR && this.cutFor === FOR_TOP) {
      // A top-level number or literal ends with the input.
      this.pos = this.buf.length;
      return this.finishCut(this.buf, this.buf.length);
    }
    if (!this.cutting) {
      if (this.state === S_DONE) return null;
      if (this.state === S_START || this.state === S_BOM1 || this.state === S_BOM2) {
        throw new JsonSplitError('not JSON: the input is empty');
      }
    }
    const where = this.cutting
      ? `inside ${this.label()} (which starts at byte ${this.cutOffset})`
      : this.state >= S_ELEM_OR_CLOSE
        ? this.inList
          ? `inside the "${this.listKey}" list${this.index >= 0 ? `, after ${this.listKey}[${this.index}]` : ''}`
          : `inside the top-level array${this.index >= 0 ? `, after [${this.index}]` : ''}`
        : 'inside the top-level object';
    throw new JsonSplitError(`not JSON: the input ends too early (truncated?) ${where}, at byte ${this.offset}`, this.cutting ? this.path() : '');
  }

  // --- cutting values ------------------------------------------------------------------------

  private startCut(purpose: number, b: number, i: number): void {
    if (b === OPEN_OBJECT || b === OPEN_ARRAY) this.cutKind = K_CONTAINER;
    else if (b === QUOTE) this.cutKind = K_STRING;
    else if (isScalarByte(b)) this.cutKind = K_SCALAR;
    else {
      const expected = purpose === FOR_KEY ? 'a property name' : 'a JSON value';
      throw this.unexpected(b, i, expected);
    }
    if (purpose === FOR_ELEMENT) this.index += 1;
    this.cutting = true;
    this.cutFor = purpose;
    this.cutStart = i;
    this.cutOffset = this.base + i;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    // Containers are scanned from their opening bracket; a string from after its opening quote.
    this.pos = this.cutKind === K_CONTAINER ? i : i + 1;
    if (this.cutKind === K_STRING) this.inString = true;
  }

  /** Scans the value being cut from `i`: the index just past its end, or -1 when the chunk ends first. */
  private scan(buf: Buffer, i: number, len: number): number {
    if (this.cutKind === K_SCALAR) {
      while (i < len && isScalarByte(buf[i]!)) i++;
      return i < len ? i : -1;
    }
    let inString = this.inString;
    let escaped = this.escaped;
    let depth = this.depth;
    const stack = this.stack;
    for (; i < len; i++) {
      const b = buf[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === BACKSLASH) escaped = true;
        else if (b === QUOTE) {
          inString = false;
          if (depth === 0) {
            // the end of a string value
            this.inString = false;
            return i + 1;
          }
        }
      } else if (b === QUOTE) {
        inString = true;
      } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
        stack[depth++] = b;
      } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
        const open = stack[--depth];
        // '{' 0x7b pairs with '}' 0x7d, '[' 0x5b with ']' 0x5d
        if (open !== b - 2) {
          throw new JsonSplitError(
            `not JSON: ${this.label()} (byte ${this.cutOffset}): ${show(b)} at byte ${this.base + i} closes ${open === OPEN_OBJECT ? "a '{'" : "a '['"}`,
            this.path(),
          );
        }
        if (depth === 0) {
          this.depth = 0;
          return i + 1;
        }
      }
    }
    this.inString = inString;
    this.escaped = escaped;
    this.depth = depth;
    return -1;
  }

  /** The chunk ends inside the value: keep its piece (within the size limit). */
  private keepPart(buf: Buffer, len: number): void {
    if (this.cutStart < len) {
      this.parts.push(buf.subarray(this.cutStart, len));
      this.partsLength += len - this.cutStart;
      this.cutStart = len;
    }
    if (this.partsLength > this.maxValueBytes) throw this.tooBig();
  }

  /** The value being cut ends at `end` (exclusive) in `buf`: parse it and make the event. */
  private finishCut(buf: Buffer, end: number): SplitEvent | null {
    const size = this.partsLength + end - this.cutStart;
    if (size > this.maxValueBytes) throw this.tooBig();
    let text: string;
    if (this.parts.length === 0) {
      text = buf.toString('utf8', this.cutStart, end);
    } else {
      this.parts.push(buf.subarray(this.cutStart, end));
      text = Buffer.concat(this.parts, size).toString('utf8');
      this.parts = [];
      this.partsLength = 0;
    }
    this.cutting = false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new JsonSplitError(
        `not JSON: ${this.label()} (byte ${this.cutOffset}): ${error instanceof Error ? error.message : String(error)}`,
        this.path(),
      );
    }
    switch (this.cutFor) {
      case FOR_KEY:
        this.key = value as string;
        this.state = S_COLON;
        return null;
      case FOR_MEMBER:
        this.value = value;
        this.state = S_MEMBER_NEXT;
        return 'member';
      case FOR_ELEMENT:
        this.value = value;
        this.state = S_ELEM_NEXT;
        return 'element';
      default:
        this.value = value;
        this.state = S_DONE;
        return 'scalar';
    }
  }

  private closeArray(): SplitEvent {
    if (this.inList) {
      this.inList = false;
      this.state = S_MEMBER_NEXT;
      return 'list-end';
    }
    this.state = S_DONE;
    return 'close';
  }

  // --- messages ------------------------------------------------------------------------------

  /** Where the value being cut sits, as an import path: `objects[3]`, `id`, or '' (top level). */
  private path(): string {
    switch (this.cutFor) {
      case FOR_ELEMENT:
        // elements of a top-level array are named like those of the list (STIX: an implicit bundle)
        return `${this.listKey}[${this.index}]`;
      case FOR_MEMBER:
        return this.key;
      default:
        return '';
    }
  }

  private label(): string {
    switch (this.cutFor) {
      case FOR_ELEMENT:
        return this.path();
      case FOR_MEMBER:
        return `the value of "${this.key}"`;
      case FOR_KEY:
        return 'a property name';
      default:
        return 'the top-level value';
    }
  }

  private tooBig(): JsonSplitError {
    const what = this.cutFor === FOR_ELEMENT ? this.path() : this.label();
    return new JsonSplitError(
      `${what} (starting at byte ${this.cutOffset}) is bigger than ${this.maxValueBytes} bytes, the limit for one object`,
      this.path(),
    );
  }

  private unexpected(b: number, i: number, expected: string): JsonSplitError {
    return new JsonSplitError(`not JSON: unexpected ${show(b)} at byte ${this.base + i}, expected ${expected}`);
  }
}
