/**
 * Trace and span ids: 16 and 8 bytes on the wire, lower-case hex in FlowLens. An absent or all-zero id means
 * "no id" (the OTLP spec calls all-zero ids invalid); a wrong length is an error the caller reports.
 */

export const TRACE_ID_BYTES = 16;
export const SPAN_ID_BYTES = 8;

/** The id in `buf[start, end)` as hex, '' when absent or all zero, or null when it is not `size` bytes. */
export function idFromBytes(buf: Buffer, start: number, end: number, size: number): string | null {
  if (end === start) return '';
  if (end - start !== size) return null;
  for (let i = start; i < end; i++) if (buf[i] !== 0) return buf.hexSlice(start, end);
  return '';
}

/**
 * `idFromBytes` for a field whose value mostly repeats the one before: the spans of a trace mostly come one after
 * another, and comparing 16 bytes is cheaper than making the same hex string again (and its garbage).
 */
export class RepeatedId {
  private readonly last: Buffer;
  private hex = '';

  constructor(private readonly size: number) {
    this.last = Buffer.alloc(size);
  }

  fromBytes(buf: Buffer, start: number, end: number): string | null {
    if (this.hex !== '' && end - start === this.size) {
      let i = 0;
      while (i < this.size && buf[start + i] === this.last[i]) i++;
      if (i === this.size) return this.hex;
    }
    const id = idFromBytes(buf, start, end, this.size);
    if (id) {
      buf.copy(this.last, 0, start, end);
      this.hex = id;
    }
    return id;
  }
}

const HEX = /^[0-9a-fA-F]*$/;
const ZERO = /^0*$/;

/** A hex id from OTLP/JSON, lower-cased; '' when absent or all zero, or null when not `size` bytes of hex. */
export function idFromHex(text: string, size: number): string | null {
  if (text.length === 0) return '';
  if (text.length !== size * 2 || !HEX.test(text)) return null;
  return ZERO.test(text) ? '' : text.toLowerCase();
}

export function idLengthReason(what: string, size: number, json: boolean): string {
  return json ? `${what}: expected ${size * 2} hex characters` : `${what} must be ${size} bytes`;
}
