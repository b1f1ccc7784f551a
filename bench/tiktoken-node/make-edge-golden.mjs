// Produces tests/Domain.Tests/Golden/edge-cases.golden.jsonl with the reference tiktoken (npm, WASM build).
// Run: node bench/tiktoken-node/make-edge-golden.mjs   (after npm ci in bench/tiktoken-node)
import { get_encoding } from "tiktoken";
import { writeFileSync } from "node:fs";

const cases = [
  ["lone high surrogate", "abc\uD800def"],
  ["lone low surrogate", "x\uDC00y \uDC00"],
  ["surrogate at end", "end\uD83D"],
  ["emoji zwj family", "family: 👨‍👩‍👧‍👦 done"],
  ["emoji flags and skin tones", "🇺🇸🇯🇵 👍🏽👋🏿"],
  ["emoji then letters", "😀abc 😀ABC"],
  ["combining marks", "e\u0301 a\u0308\u0323 Z\u0351\u0352\u0357"],
  ["combining mark alone", "\u0301\u0301abc"],
  ["devanagari with marks", "हिन्दी भाषा"],
  ["supplementary letters", "𠀀𠀁𠀂 𝐀𝐁𝐂abc"],
  ["math bold digits", "𝟏𝟐𝟑𝟒"],
  ["endoftext as text", "<|endoftext|> and <|fim_prefix|><|endofprompt|>"],
  ["long run x", "x".repeat(5000)],
  ["long run space", " ".repeat(3000) + "a"],
  ["long run newline", "\n".repeat(2000)],
  ["long run digits", "7".repeat(4001)],
  ["long run emoji", "🙂".repeat(700)],
  ["long run accented", "é".repeat(3000)],
  ["long run cjk", "漢".repeat(2500)],
  ["mixed whitespace", "a \t\n \r\n\u00a0\u3000b  \n\n  c   "],
  ["contractions", "I'm you're he'll we'd THEY'VE it'S 'ſ 'Ll"],
  ["o200k case runs", "HELLOworld helloWORLD CamelCaseXMLParser iPhone ǅemal"],
  ["slashes newlines", "a/b//c\n/\n// x!\n/"],
  ["numbers", "1234567 ١٢٣٤ ⅫⅣ ½¾"],
  ["replacement char", "\uFFFD\uFFFD x"],
  ["controls", "\u0000\u0001\u001f\u007f\u0085\u2028\u2029"],
  ["empty", ""],
];

const out = [];
for (const enc of ["cl100k_base", "o200k_base"]) {
  const e = get_encoding(enc);
  for (const [name, text] of cases) {
    const tokens = Array.from(e.encode_ordinary(text));
    out.push(JSON.stringify({ id: `${enc}:${name}`, encoding: enc, text, count: tokens.length, tokens }));
  }
  e.free();
}
writeFileSync(new URL("../../tests/Domain.Tests/Golden/edge-cases.golden.jsonl", import.meta.url), out.join("\n") + "\n");
console.log(`wrote ${out.length} vectors`);
