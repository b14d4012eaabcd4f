import { CloveError } from '../errors.js';
import { ErrorCode } from './error-codes.js';

/**
 * Bounds on the shape of a decoded payload, checked on the encoded bytes before anything is
 * decoded: how deeply arrays and maps nest, and how many values there are in all. JSON.parse copes
 * with 200,000 nested arrays, but everything recursive after it (a replacer, a structured clone, a
 * schema check) does not; and a 16 MiB frame of empty arrays decodes to far more memory than it
 * occupies on the wire. Both scans are linear and allocate nothing.
 */
export interface PayloadLimits {
  /** Deepest nesting of arrays and maps (the payload's own map is depth 1). */
  maxDepth: number;
  /** Values in all: every scalar, array and map, keys included. */
  maxValues: number;
}

export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = { maxDepth: 64, maxValues: 1_000_000 };

/** A payload over a limit; `limit` names which one (`depth` or `values`). */
export class PayloadShapeError extends CloveError {
  constructor(
    readonly limit: 'depth' | 'values',
    readonly max: number,
    message: string,
  ) {
    super(ErrorCode.PAYLOAD_TOO_COMPLEX, message, { limit, max });
  }
}

function tooDeep(max: number): PayloadShapeError {
  return new PayloadShapeError('depth', max, `it nests arrays/maps deeper than ${max} levels`);
}

function tooMany(max: number): PayloadShapeError {
  return new PayloadShapeError('values', max, `it holds more than ${max} values`);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Checks JSON text. Malformed text is left to JSON.parse to report. */
export function checkJsonShape(bytes: Uint8Array, limits: PayloadLimits): void {
  let depth = 0;
  let values = 1;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) inString = true;
    else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limits.maxDepth) throw tooDeep(limits.maxDepth);
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) depth--;
    else if (c === COMMA || c === COLON) {
      if (++values > limits.maxValues) throw tooMany(limits.maxValues);
    }
  }
}

/**
 * Checks the first msgpack value in `bytes`. Truncated or invalid bytes stop the scan quietly: the
 * decoder reports them. Declared container sizes count before their items arrive, so a map that
 * claims four billion entries is refused without reading further.
 */
export function checkMsgpackShape(bytes: Uint8Array, limits: PayloadLimits): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Items still to read in each open container, innermost last.
  const open: number[] = [];
  let values = 0;
  let i = 0;
  const n = bytes.length;
  const container = (items: number): void => {
    values += items;
    if (values > limits.maxValues) throw tooMany(limits.maxValues);
    if (items === 0) return;
    if (open.length >= limits.maxDepth) throw tooDeep(limits.maxDepth);
    open.push(items);
  };
  do {
    if (i >= n) return;
    const t = bytes[i++]!;
    let skip = 0;
    let items = -1;
    if (t <= 0x7f || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) skip = 0;
    else if (t >= 0x80 && t <= 0x8f) items = (t & 0x0f) * 2;
    else if (t >= 0x90 && t <= 0x9f) items = t & 0x0f;
    else if (t >= 0xa0 && t <= 0xbf) skip = t & 0x1f;
    else {
      switch (t) {
        case 0xc4: case 0xd9: skip = 1 + (i < n ? bytes[i]! : 0); break; // bin8, str8
        case 0xc5: case 0xda: skip = 2 + (i + 2 <= n ? view.getUint16(i) : 0); break;
        case 0xc6: case 0xdb: skip = 4 + (i + 4 <= n ? view.getUint32(i) : 0); break;
        case 0xc7: skip = 2 + (i < n ? bytes[i]! : 0); break; // ext8: len, type, data
        case 0xc8: skip = 3 + (i + 2 <= n ? view.getUint16(i) : 0); break;
        case 0xc9: skip = 5 + (i + 4 <= n ? view.getUint32(i) : 0); break;
        case 0xca: skip = 4; break;
        case 0xcb: skip = 8; break;
        case 0xcc: case 0xd0: skip = 1; break;
        case 0xcd: case 0xd1: skip = 2; break;
        case 0xce: case 0xd2: skip = 4; break;
        case 0xcf: case 0xd3: skip = 8; break;
        case 0xd4: skip = 2; break;
        case 0xd5: skip = 3; break;
        case 0xd6: skip = 5; break;
        case 0xd7: skip = 9; break;
        case 0xd8: skip = 17; break;
        case 0xdc: if (i + 2 > n) return; items = view.getUint16(i); i += 2; break;
        case 0xdd: if (i + 4 > n) return; items = view.getUint32(i); i += 4; break;
        case 0xde: if (i + 2 > n) return; items = view.getUint16(i) * 2; i += 2; break;
        case 0xdf: if (i + 4 > n) return; items = view.getUint32(i) * 2; i += 4; break;
        default: return; // 0xc1: never used; the decoder rejects it
      }
    }
    i += skip;
    if (items >= 0) {
      values++;
      container(items);
      if (items > 0) continue;
    } else if (++values > limits.maxValues) throw tooMany(limits.maxValues);
    // One value finished: close every container it completes.
    while (open.length > 0) {
      const top = open.length - 1;
      if (--open[top]! > 0) break;
      open.pop();
    }
  } while (open.length > 0);
}
