/** Bytes a slab starts with when pages of rows are encoded one after another into it. */
const slabBytes = 1 << 20;

/**
 * A growing byte buffer that COPY text is written into: no string is built per field or row, and
 * the driver sends the bytes as they are (a string would be copied once more into a Buffer).
 *
 * It holds one piece of text at a time, from `begin()` to `take()`, and may hold many in turn: the
 * pages of a run are encoded one after another into one slab of memory (one allocation per
 * megabyte instead of one per page). A piece that does not fit moves to a new slab; the pieces
 * taken before keep the old one.
 */
export class CopyBytes {
  private buffer: Buffer;
  private offset = 0;
  private start = 0;

  constructor(sizeHint = slabBytes) {
    // Its own memory (not a slice of Node's shared pool): the bytes go to a worker thread whole.
    this.buffer = Buffer.allocUnsafeSlow(Math.max(1024, sizeHint));
  }

  /** Starts a new piece of text. */
  begin(): void {
    this.start = this.offset;
  }

  /** Room for `bytes` more bytes: the current piece moves to a new, larger slab when it must. */
  private reserve(bytes: number): void {
    if (this.buffer.length - this.offset >= bytes) return;
    const piece = this.offset - this.start;
    const grown = Buffer.allocUnsafeSlow(Math.max(slabBytes, (piece + bytes) * 2));
    this.buffer.copy(grown, 0, this.start, this.offset);
    this.buffer = grown;
    this.start = 0;
    this.offset = piece;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.offset++] = value;
  }

  /** Writes `text` as UTF-8: a short ASCII text byte by byte (cheaper than a call into Node). */
  text(text: string): void {
    const length = text.length;
    this.reserve(length * 3);
    const { buffer, offset } = this;
    let index = 0;
    if (length < 64) {
      for (; index < length; index++) {
        const code = text.charCodeAt(index);
        if (code > 127) break;
        buffer[offset + index] = code;
      }
    }
    this.offset += index === length ? length : buffer.write(text, offset, 'utf8');
  }

  /**
   * Writes `text` as a COPY text field: a short ASCII text without a backslash, tab, newline,
   * carriage return or U+0000 byte by byte in one pass (no second pass to look for what to escape);
   * any other text through `escapeText` and UTF-8.
   */
  field(text: string, escapeText: (text: string) => string): void {
    const length = text.length;
    if (length < 64) {
      this.reserve(length);
      const { buffer, offset } = this;
      let index = 0;
      for (; index < length; index++) {
        const code = text.charCodeAt(index);
        // 92: backslash; below 32, only tab (9), newline (10), carriage return (13) and U+0000 are escaped.
        if (
          code > 127 ||
          code === 92 ||
          (code < 14 && (code === 9 || code === 10 || code === 13 || code === 0))
        )
          break;
        buffer[offset + index] = code;
      }
      if (index === length) {
        this.offset += length;
        return;
      }
    }
    this.text(escapeText(text));
  }

  /** Writes a safe integer's decimal digits, with no string made for them. */
  integer(value: number): void {
    this.reserve(17);
    const { buffer } = this;
    let rest = value;
    if (rest < 0) {
      buffer[this.offset++] = 45;
      rest = -rest;
    }
    let digits = 1;
    for (let scale = 10; scale <= rest; scale *= 10) digits += 1;
    let position = this.offset + digits;
    this.offset = position;
    // Below 2^31 the digits come from 32-bit integer division (about twice as fast as a double's
    // `Math.floor`); ids and counts almost always are.
    if (rest <= 0x7fffffff) {
      let small = rest | 0;
      do {
        const next = (small / 10) | 0;
        buffer[--position] = 48 + (small - next * 10);
        small = next;
      } while (small > 0);
      return;
    }
    do {
      const next = Math.floor(rest / 10);
      buffer[--position] = 48 + (rest - next * 10);
      rest = next;
    } while (rest > 0);
  }

  /** Drops what the current piece holds so far; it starts again, empty. */
  rewind(): void {
    this.offset = this.start;
  }

  /** A big-endian 16-bit integer (COPY binary). */
  int16(value: number): void {
    this.reserve(2);
    this.offset = this.buffer.writeInt16BE(value, this.offset);
  }

  /** A big-endian 32-bit integer (COPY binary). */
  int32(value: number): void {
    this.reserve(4);
    this.offset = this.buffer.writeInt32BE(value, this.offset);
  }

  /** A big-endian 64-bit float (COPY binary). */
  float64(value: number): void {
    this.reserve(8);
    this.offset = this.buffer.writeDoubleBE(value, this.offset);
  }

  /** A safe integer as a big-endian 64-bit integer (COPY binary), with no bigint made for it. */
  int64(value: number): void {
    this.reserve(8);
    const high = Math.floor(value / 4_294_967_296);
    this.buffer.writeInt32BE(high, this.offset);
    this.buffer.writeUInt32BE(value - high * 4_294_967_296, this.offset + 4);
    this.offset += 8;
  }

  /** A big-endian 64-bit integer (COPY binary). */
  bigInt64(value: bigint): void {
    this.reserve(8);
    this.offset = this.buffer.writeBigInt64BE(value, this.offset);
  }

  /**
   * Starts a COPY binary field whose length is known once it is written: room for the 32-bit
   * length, filled in by `closeField` with the mark this returns (its place within the piece, kept
   * if the piece moves to a new slab meanwhile). A text is so written once, straight into the slab.
   */
  openField(): number {
    this.reserve(4);
    this.offset += 4;
    return this.offset - this.start;
  }

  /** Writes the length of the field `openField` started at `mark`: the bytes written since. */
  closeField(mark: number): void {
    const fieldStart = this.start + mark;
    this.buffer.writeInt32BE(this.offset - fieldStart, fieldStart - 4);
  }

  /** The current piece's bytes (a view of the slab); the next piece starts after them. */
  take(): Buffer {
    const piece = this.buffer.subarray(this.start, this.offset);
    this.start = this.offset;
    return piece;
  }
}
