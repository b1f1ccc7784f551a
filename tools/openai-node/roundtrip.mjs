// Round trip through the official Node openai client: upload, create, poll, download, list.
// Usage: node tools/openai-node/roundtrip.mjs BASE_URL API_KEY   (BASE_URL like http://127.0.0.1:PORT/v1)
import OpenAI, { toFile } from "openai";

const [baseURL, apiKey] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const n = 25;
const lines = Array.from({ length: n }, (_, i) => JSON.stringify({
  custom_id: `node|${i}|0`, method: "POST", url: "/v1/embeddings",
  body: { model: "text-embedding-3-small", input: `node line ${i}`, encoding_format: "base64" },
})).join("\n") + "\n";

const file = await client.files.create({ file: await toFile(Buffer.from(lines), "node-input.jsonl"), purpose: "batch" });
let batch = await client.batches.create({ input_file_id: file.id, endpoint: "/v1/embeddings", completion_window: "24h", metadata: { batchId: "node-roundtrip" } });
const deadline = Date.now() + 30000;
while (!["completed", "failed", "expired", "cancelled"].includes(batch.status)) {
  if (Date.now() > deadline) throw new Error(`batch still ${batch.status}`);
  await new Promise((r) => setTimeout(r, 50));
  batch = await client.batches.retrieve(batch.id);
}

const text = await (await client.files.content(batch.output_file_id)).text();
const results = text.trim().split("\n").map((l) => JSON.parse(l));
const ids = new Set(results.map((r) => r.custom_id));
const dims = Buffer.from(results[0].response.body.data[0].embedding, "base64").length / 4;
const listed = [];
for await (const b of client.batches.list({ limit: 10 })) listed.push(b.id);
let unauthorized = false;
try { await new OpenAI({ baseURL, apiKey: "wrong", maxRetries: 0 }).batches.list(); } catch (e) { unauthorized = e.status === 401; }
console.log(JSON.stringify({ status: batch.status, total: batch.request_counts.total, completed: batch.request_counts.completed,
  lines: results.length, distinct: ids.size, dims, listed: listed.includes(batch.id), unauthorized, usage: batch.usage.input_tokens > 0 }));
