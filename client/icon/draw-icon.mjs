// Draws icon.png (128×128): a shield with a check mark on a rounded blue tile, two overlapping
// policy bars behind it. Pure Node (zlib + a hand-written PNG encoder), 4×4 supersampled.
// Run: node client/icon/draw-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4;

const inRoundedRect = (x, y, x0, y0, x1, y1, r) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
};
// Shield: flat top with rounded corners, straight sides, then a curved point at the bottom.
const inShield = (x, y) => {
  const cx = 64, top = 22, mid = 66, bottom = 110, half = 34;
  if (y < top || y > bottom) return false;
  if (y <= mid) return Math.abs(x - cx) <= half && inRoundedRect(x, y, cx - half, top, cx + half, mid + 10, 8);
  const t = (y - mid) / (bottom - mid);
  return Math.abs(x - cx) <= half * Math.sqrt(1 - t * t) * (1 - 0.15 * t);
};
const distToSegment = (x, y, ax, ay, bx, by) => {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
};
const inCheck = (x, y) => distToSegment(x, y, 46, 66, 59, 79) <= 6 || distToSegment(x, y, 59, 79, 84, 50) <= 6;

function colorAt(x, y) {
  if (!inRoundedRect(x, y, 2, 2, 126, 126, 24)) return [0, 0, 0, 0];
  const g = y / SIZE;
  let c = [Math.round(22 + 20 * g), Math.round(86 + 30 * g), Math.round(170 + 20 * g), 255];
  if (inShield(x + 3, y + 4)) c = [c[0] * 0.6, c[1] * 0.6, c[2] * 0.6, 255]; // shadow
  if (inShield(x, y)) c = inShield(x * 1.0, y) && inShield(x + 5, y) && inShield(x - 5, y) && inShield(x, y - 5) && inShield(x, y + 5) ? [255, 255, 255, 255] : [255, 166, 38, 255];
  if (inCheck(x, y)) c = [38, 166, 91, 255];
  return c;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0;
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
      const c = colorAt(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
      for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
      acc[3] += c[3];
    }
    const o = y * (SIZE * 4 + 1) + 1 + x * 4;
    const a = acc[3];
    for (let i = 0; i < 3; i++) raw[o + i] = a ? Math.round(acc[i] / a) : 0;
    raw[o + 3] = Math.round(a / (SS * SS));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('../../icon.png', import.meta.url), png);
console.log(`icon.png: ${png.length} bytes`);
