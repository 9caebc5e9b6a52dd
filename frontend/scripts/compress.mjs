// Writes a gzip (.gz) and a brotli (.br) variant beside every compressible file of the build,
// at the highest levels (done once, at build time), and prints the JavaScript sizes.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dist = new URL("../dist/", import.meta.url).pathname;
const compressible = /\.(js|mjs|css|html|svg|json|txt|map)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (compressible.test(name)) yield path;
  }
}

const sizes = [];
for (const path of files(dist)) {
  const body = readFileSync(path);
  const gz = gzipSync(body, { level: 9 });
  const br = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  writeFileSync(`${path}.gz`, gz);
  writeFileSync(`${path}.br`, br);
  if (path.endsWith(".js")) sizes.push([relative(dist, path), body.length, gz.length, br.length]);
}
sizes.sort((a, b) => b[2] - a[2]);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
for (const [name, raw, gz, br] of sizes) {
  console.log(`${name.padEnd(48)} ${kb(raw).padStart(10)} raw ${kb(gz).padStart(9)} gzip ${kb(br).padStart(9)} br`);
}
