/**
 * A growing byte buffer that COPY text is written into: no string is built per field or row, and
 * the driver sends the bytes as they are (a string would be copied once more into a Buffer).
 */
export class CopyBytes {
  private buffer: Buffer;
  private offset = 0;

  constructor(sizeHint: number) {
    // Its own memory (not a slice of Node's shared pool): the bytes go to a worker thread whole.
    this.buffer = Buffer.allocUnsafeSlow(Math.max(1024, sizeHint));
  }

  /** Room for `bytes` more bytes. */
  private reserve(bytes: number): void {
    if (this.buffer.length - this.offset >= bytes) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
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

  bytes(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }
}
