import { type Document, deserialize, serialize } from 'bson';

/** Wire protocol operation codes the test server understands. */
const opCodes = { reply: 1, query: 2004, message: 2013 } as const;

const headerLength = 16;
const checksumPresent = 1;
const moreToCome = 2;

/** Every int64 stays a `Long` so stored documents keep their BSON type. */
const deserializeOptions = { promoteLongs: false } as const;

/** One decoded client request: the command document and how to answer it. */
export interface WireRequest {
  requestId: number;
  opCode: number;
  /** The database the command runs against (`$db`, or the namespace of an OP_QUERY). */
  database: string;
  /** The command document, with OP_MSG document sequences merged in as arrays. */
  command: Document;
  /** The client does not expect a reply (OP_MSG `moreToCome`, e.g. `w: 0` writes). */
  expectsReply: boolean;
}

/** Length of the next complete message in `buffer`, or undefined when more bytes are needed. */
export function nextMessageLength(buffer: Buffer): number | undefined {
  if (buffer.length < 4) return undefined;
  const length = buffer.readInt32LE(0);
  return buffer.length >= length ? length : undefined;
}

/** Decodes one complete message (header included). Throws on an opcode the server does not speak. */
export function decodeRequest(message: Buffer): WireRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === opCodes.message) return decodeMessage(message, requestId);
  if (opCode === opCodes.query) return decodeQuery(message, requestId);
  throw new Error(`restsync wire test server: unsupported opCode ${opCode}`);
}

function decodeMessage(message: Buffer, requestId: number): WireRequest {
  const flagBits = message.readUInt32LE(headerLength);
  const end = message.length - (flagBits & checksumPresent ? 4 : 0);
  let offset = headerLength + 4;
  let body: Document = {};
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    const size = message.readInt32LE(offset);
    if (kind === 0) {
      body = deserialize(message.subarray(offset, offset + size), deserializeOptions);
      offset += size;
      continue;
    }
    const sectionEnd = offset + size;
    const nameEnd = message.indexOf(0, offset + 4);
    const identifier = message.toString('utf8', offset + 4, nameEnd);
    let cursor = nameEnd + 1;
    const documents: Document[] = [];
    while (cursor < sectionEnd) {
      const documentSize = message.readInt32LE(cursor);
      documents.push(deserialize(message.subarray(cursor, cursor + documentSize), deserializeOptions));
      cursor += documentSize;
    }
    sequences[identifier] = documents;
    offset = sectionEnd;
  }
  const command = { ...body, ...sequences };
  return {
    requestId,
    opCode: opCodes.message,
    database: typeof body.$db === 'string' ? body.$db : 'admin',
    command,
    expectsReply: (flagBits & moreToCome) === 0,
  };
}

function decodeQuery(message: Buffer, requestId: number): WireRequest {
  const nameStart = headerLength + 4;
  const nameEnd = message.indexOf(0, nameStart);
  const namespace = message.toString('utf8', nameStart, nameEnd);
  const documentStart = nameEnd + 1 + 8;
  const documentSize = message.readInt32LE(documentStart);
  const query = deserialize(
    message.subarray(documentStart, documentStart + documentSize),
    deserializeOptions,
  );
  const command = query.$query !== undefined && typeof query.$query === 'object' ? query.$query : query;
  return {
    requestId,
    opCode: opCodes.query,
    database: namespace.split('.')[0] ?? 'admin',
    command,
    expectsReply: true,
  };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(headerLength);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

/** Encodes the reply to `request` in the matching format (OP_MSG, or OP_REPLY for an OP_QUERY). */
export function encodeReply(request: WireRequest, replyId: number, reply: Document): Buffer {
  const body = serialize(reply, { checkKeys: false });
  if (request.opCode === opCodes.query) {
    const fields = Buffer.alloc(20);
    fields.writeInt32LE(0, 0);
    fields.writeBigInt64LE(0n, 4);
    fields.writeInt32LE(0, 12);
    fields.writeInt32LE(1, 16);
    const length = headerLength + fields.length + body.length;
    return Buffer.concat([header(length, replyId, request.requestId, opCodes.reply), fields, body]);
  }
  const fields = Buffer.alloc(5);
  fields.writeUInt32LE(0, 0);
  fields.writeUInt8(0, 4);
  const length = headerLength + fields.length + body.length;
  return Buffer.concat([header(length, replyId, request.requestId, opCodes.message), fields, body]);
}
