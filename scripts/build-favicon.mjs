// Authoring tool, not part of `npm run build`: renders public/icon.svg with the system's
// Chromium (the browser the Playwright tests use) at 16, 32 and 48 px and packs the PNGs
// into public/favicon.ico, for browsers and tools that ask for /favicon.ico whatever the
// page links. Run it after changing the icon and commit both files:
//   node scripts/build-favicon.mjs
// ICO with PNG images: a 6-byte header, one 16-byte directory entry per image, then the
// PNG files as they are (supported since Windows Vista and by every current browser).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { ROOT } from "./lib/setup.mjs";

const SIZES = [16, 32, 48];
const svg = path.join(ROOT, "public", "icon.svg");
const chromium = process.env.CHROMIUM_PATH ?? "chromium";
const work = mkdtempSync(path.join(os.tmpdir(), "consentry-favicon-"));

function render(size) {
  const page = path.join(work, `${size}.html`);
  const png = path.join(work, `${size}.png`);
  writeFileSync(page, `<html><body style="margin:0"><img src="${pathToFileURL(svg)}" width="${size}" height="${size}"></body></html>`);
  execFileSync(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--default-background-color=00000000", `--window-size=${size},${size}`, `--screenshot=${png}`, pathToFileURL(page).href], { stdio: "ignore" });
  const data = readFileSync(png);
  const [width, height] = [data.readUInt32BE(16), data.readUInt32BE(20)];
  if (width !== size || height !== size) throw new Error(`Chromium rendered ${width}x${height} instead of ${size}x${size}.`);
  return data;
}

try {
  const images = SIZES.map(render);
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map((png, i) => {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(SIZES[i] % 256, 0); // width (0 would mean 256)
    entry.writeUInt8(SIZES[i] % 256, 1); // height
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  writeFileSync(path.join(ROOT, "public", "favicon.ico"), Buffer.concat([header, ...entries, ...images]));
  console.log(`Wrote public/favicon.ico (${SIZES.join(", ")} px) from public/icon.svg.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
