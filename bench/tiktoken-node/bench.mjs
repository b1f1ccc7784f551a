// The reference tiktoken (npm, WASM build) on the same documents as `bench tokenizer`.
// Usage: node bench/tiktoken-node/bench.mjs FILE
import { get_encoding } from "tiktoken";
import { readFileSync } from "node:fs";

const docs = readFileSync(process.argv[2], "utf8").split("\f").filter((d) => d.length > 0);
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d, "utf8"), 0);
for (const name of ["cl100k_base", "o200k_base"]) {
  const enc = get_encoding(name);
  for (const d of docs.slice(0, 2000)) enc.encode_ordinary(d); // warm-up
  let best = Infinity;
  let tokens = 0;
  for (let round = 0; round < 3; round++) {
    tokens = 0;
    const t0 = process.hrtime.bigint();
    for (const d of docs) tokens += enc.encode_ordinary(d).length;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  enc.free();
  console.log(JSON.stringify({ impl: "tiktoken-wasm", encoding: name, docs: docs.length, bytes, tokens,
    seconds: +best.toFixed(3), mbPerSec: +(bytes / 1e6 / best).toFixed(2), tokensPerSec: Math.round(tokens / best) }));
}
