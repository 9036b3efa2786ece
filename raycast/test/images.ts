import { crc32, deflateSync } from "node:zlib";
import { randomBytes } from "node:crypto";

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A real PNG of `width` × `height` RGB pixels. With `noise`, the pixels are random, so the file stays about
 * 3 bytes per pixel (a 5 MB PNG needs about 1,300 × 1,300); otherwise it is grey and tiny.
 */
export function pngBytes(width: number, height: number, options: { noise?: boolean } = {}): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  const row = 1 + width * 3;
  const pixels = options.noise ? randomBytes(row * height) : Buffer.alloc(row * height, 0x80);
  for (let y = 0; y < height; y++) pixels[y * row] = 0; // filter type "none" for each row
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels, { level: options.noise ? 0 : 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** A small but valid PDF of about `size` bytes (padded with a comment). */
export function pdfBytes(size: number): Buffer {
  const body = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  const padding = Math.max(0, size - body.length);
  return Buffer.concat([Buffer.from(body), randomBytes(padding)]);
}
