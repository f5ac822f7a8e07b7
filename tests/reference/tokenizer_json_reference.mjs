// Expected token ids (and offsets) of the shared tokenizer.json files on
// tests/data/tokenizer_corpus.json, from Hugging Face's own implementations.
// Run once by hand; its output is committed, so CI needs no Node.js:
//
//   tar xzf ../shared/tokenizers/reference/huggingface-tokenizers-0.2.0.tgz -C /tmp/hfjs
//   (cd /tmp/rust && npm install tokenizers@0.23.2)
//   node tests/reference/tokenizer_json_reference.mjs \
//     --tokenizers ../shared/tokenizers --corpus tests/data/tokenizer_corpus.json \
//     --js /tmp/hfjs/package/dist/tokenizers.mjs --rust /tmp/rust/node_modules/tokenizers \
//     --out tests/data/tokenizer_json_expected
//
// Two references: `tokenizers` (npm) is the Rust library itself with Node
// bindings, and gives offsets; `@huggingface/tokenizers` is Hugging Face's
// independent JavaScript implementation. The ids written are the Rust
// library's; the script stops if the JavaScript ids differ on any sentence,
// so both agree on every expected id. Offsets are converted from the Rust
// library's character offsets to UTF-8 byte offsets of the sentence.
//
// Output, per tokenizer, NAME.json: {"tokenizer", "tokenizer_json_sha256",
// "reference", "bos", "sentences": [{"ids": [...], "offsets": [[b, e], ...]}]}
// with "bos" the id the Rust library's post-processor puts first (null: none).
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import fs from "fs";
import { createRequire } from "module";
import path from "path";
import { pathToFileURL } from "url";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
for (const k of ["tokenizers", "corpus", "js", "rust", "out"]) {
  if (!args[k]) throw new Error(`missing --${k}`);
}
const names = (args.names || "llama3,qwen3,mistral,gemma3").split(",");
const { Tokenizer: JsTokenizer } = await import(pathToFileURL(path.resolve(args.js)).href);
const require = createRequire(import.meta.url);
const { Tokenizer: RustTokenizer } = require(path.resolve(args.rust));
const rustVersion = JSON.parse(fs.readFileSync(path.join(args.rust, "package.json"))).version;
const jsVersion = JSON.parse(
  fs.readFileSync(path.join(path.dirname(args.js), "..", "package.json"))).version;

const corpus = JSON.parse(fs.readFileSync(args.corpus, "utf8"));
fs.mkdirSync(args.out, { recursive: true });

// UTF-8 byte offset of every code point index of s (and of its end).
function byteOffsets(s) {
  const out = [0];
  let bytes = 0;
  for (const ch of s) {
    bytes += Buffer.byteLength(ch, "utf8");
    out.push(bytes);
  }
  return out;
}

for (const name of names) {
  const dir = path.join(args.tokenizers, name);
  const jsonText = execFileSync("xz", ["-dc", path.join(dir, "tokenizer.json.xz")], {
    maxBuffer: 1 << 30,
  }).toString("utf8");
  const config = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
  const js = new JsTokenizer(JSON.parse(jsonText), config);
  const rust = RustTokenizer.fromString(jsonText);

  const sentences = [];
  let bos = null;
  for (let i = 0; i < corpus.length; ++i) {
    const text = corpus[i];
    const enc = await rust.encode(text, null, { addSpecialTokens: false });
    const ids = enc.getIds();
    const jsIds = js.encode(text, { add_special_tokens: false }).ids;
    if (JSON.stringify(ids) !== JSON.stringify(jsIds)) {
      throw new Error(`${name}: sentence ${i} ${JSON.stringify(text)}: Rust ${JSON.stringify(ids)}` +
                      ` but JavaScript ${JSON.stringify(jsIds)}`);
    }
    const at = byteOffsets(text);
    const offsets = enc.getOffsets().map(([b, e]) => [at[b], at[e]]);
    sentences.push({ ids, offsets });
    if (i === 0) {
      const full = (await rust.encode(text, null, { addSpecialTokens: true })).getIds();
      bos = full.length > ids.length && full[0] !== ids[0] ? full[0] : null;
    }
  }
  const out = {
    tokenizer: name,
    tokenizer_json_sha256: createHash("sha256").update(jsonText, "utf8").digest("hex"),
    reference: `tokenizers ${rustVersion} (Rust, Node bindings); ids equal to ` +
               `@huggingface/tokenizers ${jsVersion} on every sentence`,
    bos,
    sentences: null,
  };
  // One sentence per line keeps the file readable and diffable.
  const head = JSON.stringify(out).replace(/"sentences":null\}$/, '"sentences": [\n');
  const body = sentences.map((s) => JSON.stringify(s)).join(",\n");
  fs.writeFileSync(path.join(args.out, `${name}.json`), head + body + "\n]}\n");
  console.log(`${name}: ${sentences.length} sentences, ` +
              `${sentences.reduce((n, s) => n + s.ids.length, 0)} tokens, bos ${bos}`);
}
