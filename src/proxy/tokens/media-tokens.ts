/**
 * Token estimates for images and PDF documents in a Messages request.
 *
 * Images follow Anthropic's published formula (https://docs.anthropic.com/en/docs/build-with-claude/vision,
 * "Calculate image costs"): tokens = width * height / 750, after the API scales the image so
 * its long edge is at most 1568 px and it has at most about 1.15 megapixels (≈1,600 tokens).
 * Dimensions come from the PNG, GIF, WebP or JPEG header of base64 data; when they cannot be
 * read (URL sources, other formats) the estimate is the maximum, 1,600, which errs towards
 * waiting rather than overrunning a rate limit.
 */

export const MAX_IMAGE_TOKENS = 1600;
const MAX_LONG_EDGE = 1568;
/** Anthropic counts a PDF page as its text plus an image of it: 1,500–3,000 tokens. */
export const PDF_PAGE_TOKENS = 1500;
/** Only this much base64 is decoded to find a JPEG's frame header (EXIF can precede it). */
const HEADER_BASE64_LIMIT = 256 * 1024;

export interface Dimensions {
  width: number;
  height: number;
}

export function imageTokensFromDimensions({ width, height }: Dimensions): number {
  if (!(width > 0 && height > 0)) return MAX_IMAGE_TOKENS;
  const scale = Math.min(1, MAX_LONG_EDGE / Math.max(width, height));
  const tokens = Math.ceil((width * scale * (height * scale)) / 750);
  return Math.min(tokens, MAX_IMAGE_TOKENS);
}

/** Estimate for an image block's `source`. */
export function imageTokens(source: unknown): number {
  const s = source as { type?: unknown; data?: unknown } | undefined;
  if (s?.type !== 'base64' || typeof s.data !== 'string') return MAX_IMAGE_TOKENS;
  const dims = imageDimensions(Buffer.from(s.data.slice(0, HEADER_BASE64_LIMIT), 'base64'));
  return dims ? imageTokensFromDimensions(dims) : MAX_IMAGE_TOKENS;
}

/** Width and height from an image header, or undefined for formats it does not know. */
export function imageDimensions(bytes: Uint8Array): Dimensions | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // PNG: signature, then the IHDR chunk with big-endian width and height.
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  // GIF87a / GIF89a: little-endian logical screen size.
  if (b.length >= 10 && b.toString('latin1', 0, 4) === 'GIF8') {
    return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return webpDimensions(b);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegDimensions(b);
  return undefined;
}

function webpDimensions(b: Buffer): Dimensions | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  return undefined;
}

/** Walks JPEG segments to the first start-of-frame marker (SOF0–SOF15 except DHT, JPG, DAC). */
function jpegDimensions(b: Buffer): Dimensions | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2; // markers without a length
      continue;
    }
    const length = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    if (length < 2) return undefined;
    i += 2 + length;
  }
  return undefined;
}

/** Estimate for a base64 PDF: its page count (from `/Type /Page` objects) times a page's cost. */
export function pdfTokens(base64: string): number {
  const text = Buffer.from(base64, 'base64').toString('latin1');
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  // Compressed object streams hide the page objects: fall back to one page per 50 KB.
  return Math.max(1, pages || Math.round(text.length / 50_000)) * PDF_PAGE_TOKENS;
}
