// npm run lockfile:fix — run after `npm install` changes package-lock.json.
//
// Some registry mirrors serve only the platform packages of the machine they front, so
// `npm install` silently leaves other platforms' optional binaries (@next/swc-darwin-*,
// @tailwindcss/oxide-win32-*, ...) out of the lockfile, and `npm ci` then refuses it
// ("Missing: ... from lock file"). This adds those entries back with the os/cpu/libc
// their names declare, so every platform skips or installs them as with a full registry.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;

const OSES = ["android", "darwin", "freebsd", "linux", "win32", "openharmony", "sunos", "netbsd", "openbsd", "aix"];
const CPUS = { arm64: "arm64", x64: "x64", ia32: "ia32", arm: "arm", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x", wasm32: "wasm32" };

function platformOf(name) {
  const tokens = name.split("/").pop().split("-");
  const os = tokens.find((t) => OSES.includes(t));
  const cpu = tokens.map((t) => CPUS[t]).find(Boolean);
  const libc = tokens.some((t) => t.startsWith("musl")) ? "musl" : tokens.some((t) => t === "gnu" || t.startsWith("gnueabi")) ? "glibc" : undefined;
  return { os, cpu, libc };
}

function resolves(parentPath, dep) {
  let base = parentPath;
  for (;;) {
    if (packages[`${base ? `${base}/` : ""}node_modules/${dep}`]) return true;
    if (!base) return false;
    const index = base.lastIndexOf("/node_modules/");
    base = index === -1 ? "" : base.slice(0, index);
  }
}

let added = 0;
for (const [location, entry] of Object.entries(packages)) {
  for (const [dep, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    if (resolves(location, dep)) continue;
    if (!/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(spec)) {
      console.warn(`skipped ${dep}@${spec} (needed by ${location || "the root"}): not an exact version`);
      continue;
    }
    const { os, cpu, libc } = platformOf(dep);
    if (!os && !cpu) {
      console.warn(`skipped ${dep}: its name declares no platform`);
      continue;
    }
    const added_entry = { version: spec, ...(entry.dev ? { dev: true } : {}), optional: true };
    if (cpu) added_entry.cpu = [cpu];
    if (os) added_entry.os = [os];
    if (libc) added_entry.libc = [libc];
    packages[`node_modules/${dep}`] = added_entry;
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added ? `Added ${added} platform-specific optional package(s) to package-lock.json.` : "package-lock.json already lists every optional platform package.");
