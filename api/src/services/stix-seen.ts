/**
 * What an import remembers of every id it has met, for the whole input: where the id was kept
 * (`index`), the content hash of that object and its `modified`. Duplicate and version detection
 * need it across the whole bundle, so it is the one structure that grows with the input; a
 * streamed 1M-object bundle holds a million of them. Kept compact and off the V8 heap:
 *  - ids of the usual form `type--<lower-case UUID>` live in an open-addressing hash table of
 *    typed arrays: a small number for the type (types are few) and the UUID's 16 bytes. A Map of
 *    a million id strings was ~80 MB of live heap, and V8 lets its heap grow to a few times what is
 *    live before collecting, so that Map cost far more RSS than its size (measured on the streamed
 *    1M-object bundle; see docs/graph-model.md). Any other id (upper-case hex, say) goes in a Map,
 *    so ids that differ only in case stay different ids;
 *  - per entry, typed arrays: 20 bytes of SHA-1, a float for the millisecond of `modified`, an
 *    int for its digits beyond the millisecond, the input index.
 */

export interface SeenEntry {
  index: number;
  /** base64url SHA-1 of the stored form (api/src/graph/stix.mapping.ts hashRaw). */
  hash: string;
  /** `modified` as a STIX timestamp (sub-millisecond digits kept), or null. */
  modified: string | null;
}

const HASH_BYTES = 20;
const NO_MODIFIED = -1;
/** Words per key in the hash table: the type's number, then the UUID as four 32-bit words. */
const KEY_WORDS = 5;
const EMPTY = -1;
const COMPACT_ID = /^([a-z0-9-]{1,250})--([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/;

/**
 * id → slot (a dense number), for `type--uuid` ids in typed arrays (open addressing, linear
 * probing, at most half full), for any other id in a Map.
 */
class IdTable {
  private readonly types = new Map<string, number>();
  private readonly others = new Map<string, number>();
  private keys = new Uint32Array(2048 * KEY_WORDS);
  private slotOf = new Int32Array(2048).fill(EMPTY);
  private used = 0;
  private readonly key = new Uint32Array(KEY_WORDS);

  get size(): number {
    return this.used + this.others.size;
  }

  /** The slot of `id`, or undefined. */
  get(id: string): number | undefined {
    if (!this.parse(id, false)) return this.others.get(id);
    const at = this.find();
    return at < 0 ? undefined : this.slotOf[at]!;
  }

  /** Records `id` with `slot`; the id must not be there yet. */
  add(id: string, slot: number): void {
    if (!this.parse(id, true)) {
      // A copy of the key that shares no memory with the text it was cut from (a V8 sliced string
      // would keep the parser's whole input chunk alive).
      this.others.set(Buffer.from(id, 'utf8').toString('utf8'), slot);
      return;
    }
    if ((this.used + 1) * 2 > this.slotOf.length) this.rehash(this.slotOf.length * 2);
    const at = this.find();
    this.slotOf[~at] = slot;
    this.keys.set(this.key, ~at * KEY_WORDS);
    this.used += 1;
  }

  /** Fills `this.key` from `id`; false when the id is not of the compact form. */
  private parse(id: string, intern: boolean): boolean {
    const m = COMPACT_ID.exec(id);
    if (!m) return false;
    let type = this.types.get(m[1]!);
    if (type === undefined) {
      if (!intern) {
        type = -1; // an unseen type: no stored key has it, find() will miss
      } else {
        type = this.types.size;
        this.types.set(Buffer.from(m[1]!, 'utf8').toString('utf8'), type);
      }
    }
    const k = this.key;
    k[0] = type;
    k[1] = parseInt(m[2]!, 16);
    k[2] = parseInt(m[3]! + m[4]!, 16);
    k[3] = parseInt(m[5]! + m[6]!.slice(0, 4), 16);
    k[4] = parseInt(m[6]!.slice(4), 16);
    return true;
  }

  /** Position of `this.key` in the table, or ~position of the empty place where it would go. */
  private find(): number {
    const k = this.key;
    const mask = this.slotOf.length - 1;
    // Every word mixed in, then a murmur3-style finaliser so the low bits (the mask) depend on all.
    let h = k[0]!;
    for (let i = 1; i < KEY_WORDS; i++) h = Math.imul(h ^ k[i]!, 0x9e3779b1) ^ (h >>> 15);
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    let at = h >>> 0;
    for (;;) {
      at &= mask;
      if (this.slotOf[at] === EMPTY) return ~at;
      const o = at * KEY_WORDS;
      const keys = this.keys;
      if (keys[o] === k[0] && keys[o + 1] === k[1] && keys[o + 2] === k[2] && keys[o + 3] === k[3] && keys[o + 4] === k[4]) {
        return at;
      }
      at += 1;
    }
  }

  private rehash(capacity: number): void {
    const oldKeys = this.keys;
    const oldSlots = this.slotOf;
    this.keys = new Uint32Array(capacity * KEY_WORDS);
    this.slotOf = new Int32Array(capacity).fill(EMPTY);
    const saved = this.key.slice();
    for (let i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] === EMPTY) continue;
      this.key.set(oldKeys.subarray(i * KEY_WORDS, (i + 1) * KEY_WORDS));
      const at = this.find();
      this.slotOf[~at] = oldSlots[i]!;
      this.keys.set(this.key, ~at * KEY_WORDS);
    }
    this.key.set(saved);
  }
}

export class SeenIndex {
  private readonly slots = new IdTable();
  private indexes = new Uint32Array(1024);
  private hashes = new Uint8Array(1024 * HASH_BYTES);
  private millis = new Float64Array(1024);
  /** Digits 4–9 of the fraction (beyond the millisecond) as an integer, or NO_MODIFIED. */
  private beyond = new Int32Array(1024);

  get size(): number {
    return this.slots.size;
  }

  get(id: string): SeenEntry | undefined {
    const slot = this.slots.get(id);
    if (slot === undefined) return undefined;
    const hash = Buffer.from(this.hashes.buffer, slot * HASH_BYTES, HASH_BYTES).toString('base64url');
    return { index: this.indexes[slot]!, hash, modified: this.modifiedAt(slot) };
  }

  set(id: string, entry: SeenEntry): void {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.slots.size;
      this.grow(slot + 1);
      this.slots.add(id, slot);
    }
    this.indexes[slot] = entry.index;
    const digest = Buffer.from(entry.hash, 'base64url');
    if (digest.length !== HASH_BYTES) throw new Error(`not a SHA-1 hash: ${entry.hash}`);
    this.hashes.set(digest, slot * HASH_BYTES);
    if (entry.modified === null) {
      this.millis[slot] = 0;
      this.beyond[slot] = NO_MODIFIED;
    } else {
      const ms = Date.parse(entry.modified);
      if (Number.isNaN(ms)) throw new Error(`not a timestamp: ${entry.modified}`);
      this.millis[slot] = ms;
      this.beyond[slot] = Number((/\.(\d+)/.exec(entry.modified)?.[1] ?? '').padEnd(9, '0').slice(3, 9));
    }
  }

  private modifiedAt(slot: number): string | null {
    const beyond = this.beyond[slot]!;
    if (beyond === NO_MODIFIED) return null;
    const iso = new Date(this.millis[slot]!).toISOString(); // …ss.sssZ
    return beyond === 0 ? iso : `${iso.slice(0, -1)}${String(beyond).padStart(6, '0').replace(/0+$/, '')}Z`;
  }

  private grow(needed: number): void {
    if (needed <= this.indexes.length) return;
    const size = Math.max(needed, this.indexes.length * 2);
    const widen = <T extends Uint32Array | Uint8Array | Float64Array | Int32Array>(old: T, make: (n: number) => T, per = 1): T => {
      const next = make(size * per);
      next.set(old);
      return next;
    };
    this.indexes = widen(this.indexes, (n) => new Uint32Array(n));
    this.hashes = widen(this.hashes, (n) => new Uint8Array(n), HASH_BYTES);
    this.millis = widen(this.millis, (n) => new Float64Array(n));
    this.beyond = widen(this.beyond, (n) => new Int32Array(n));
  }
}
