/**
 * Zstandard bodies (RFC 8878), what a Collector's `compression: zstd` sends. Node 20's zlib has no zstd, so the
 * frames are decoded by fzstd (pure JavaScript, synchronous). fzstd allocates a frame's whole window as it reads
 * the frame's header, so every header is checked against the limit first, by walking the frames' block headers
 * without decoding anything; the output is then counted block by block and decoding stops past the limit. fzstd
 * does not check a frame's content checksum: each frame is decoded on its own and its checksum checked here
 * (xxhash-wasm's XXH64), so a corrupt body is refused as gzip's CRC refuses one, not stored altered.
 */
import { Decompress } from 'fzstd';
import xxhash from 'xxhash-wasm';
import { OtlpDecodeError } from '../decode/index.js';
import { BodyTooLargeError } from './errors.js';

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames: magic 0x184D2A50 to 0x184D2A5F, then their length. */
const SKIPPABLE_MAGIC = 0x184d2a50;
/**
 * The largest window a frame may ask for, whatever the limit: encoders pick their window before they know the
 * body (klauspost/compress, the Collector's, defaults to 8 MiB), so a small limit must not refuse a small body.
 */
const MIN_WINDOW_ALLOWED = 8 << 20;

const { create64 } = await xxhash();

/** A frame of the body (`body[from]` up to `body[to]`), with its content checksum when it has one. */
interface Frame {
  from: number;
  to: number;
  checksum: number | undefined;
}

/** The body decoded, at most `limit` bytes. */
export function unzstd(body: Buffer, limit: number): Buffer {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (const { from, to, checksum } of checkFrames(body, Math.max(limit, MIN_WINDOW_ALLOWED), limit)) {
    // Hashed as it is decoded: the content is copied once, into the body returned.
    const hash = checksum === undefined ? undefined : create64();
    const stream = new Decompress((chunk) => {
      size += chunk.length;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(chunk);
      hash?.update(chunk);
    });
    try {
      stream.push(body.subarray(from, to), true);
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw error;
      throw new OtlpDecodeError(`zstd: ${(error as Error).message}`);
    }
    // Content_Checksum holds the low 32 bits of the content's XXH64 (seed 0).
    if (hash && checksum !== Number(hash.digest() & 0xffffffffn)) {
      throw new OtlpDecodeError('zstd: a frame does not match its content checksum: the body is corrupt');
    }
  }
  return Buffer.concat(chunks, size);
}

/**
 * The body's frames (skippable ones left out). Refuses frames whose window passes `maxWindow`, or whose declared
 * content passes `limit`, and malformed framing.
 */
function checkFrames(body: Buffer, maxWindow: number, limit: number): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  const need = (bytes: number) => {
    if (at + bytes > body.length) throw new OtlpDecodeError('zstd: truncated frame');
  };
  while (at < body.length) {
    need(4);
    const magic = body.readUInt32LE(at);
    at += 4;
    if ((magic & 0xfffffff0) === SKIPPABLE_MAGIC) {
      need(4);
      at += 4 + body.readUInt32LE(at);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new OtlpDecodeError('zstd: not a zstd frame');
    const from = at - 4;
    need(1);
    const descriptor = body[at++]!;
    const singleSegment = (descriptor >> 5) & 1;
    const sizeField = descriptor >> 6;
    let windowBytes = 0;
    if (!singleSegment) {
      need(1);
      const w = body[at++]!;
      const base = 2 ** (10 + (w >> 3));
      windowBytes = base + (base / 8) * (w & 7);
    }
    at += [0, 1, 2, 4][descriptor & 3]!;
    const sizeBytes = sizeField === 0 ? singleSegment : 1 << sizeField;
    need(sizeBytes);
    const contentBytes = sizeBytes === 0 ? undefined : readSize(body, at, sizeBytes);
    at += sizeBytes;
    if (contentBytes !== undefined && contentBytes > limit) {
      throw new BodyTooLargeError(limit, `zstd: a frame of ${contentBytes} bytes, larger than the limit of ${limit} bytes`);
    }
    if (!singleSegment && windowBytes > maxWindow) {
      throw new BodyTooLargeError(limit, `zstd: a frame's window of ${windowBytes} bytes, larger than the ${maxWindow} bytes decoded at most`);
    }
    for (let last = 0; !last; ) {
      need(3);
      const header = body.readUIntLE(at, 3);
      at += 3;
      last = header & 1;
      const type = (header >> 1) & 3;
      if (type === 3) throw new OtlpDecodeError('zstd: reserved block type');
      at += type === 1 ? 1 : header >>> 3;
    }
    const hasChecksum = (descriptor & 4) !== 0;
    at += hasChecksum ? 4 : 0;
    if (at > body.length) throw new OtlpDecodeError('zstd: truncated frame');
    frames.push({ from, to: at, checksum: hasChecksum ? body.readUInt32LE(at - 4) : undefined });
  }
  return frames;
}

/** Frame_Content_Size: 1, 2 (plus 256), 4 or 8 bytes, little-endian. */
function readSize(body: Buffer, at: number, bytes: number): number {
  if (bytes === 2) return body.readUInt16LE(at) + 256;
  if (bytes === 8) return Number(body.readBigUInt64LE(at));
  return body.readUIntLE(at, bytes);
}
