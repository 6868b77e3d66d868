// An ironsmith `exec` plugin: counts the words of every page.
//
// ironsmith writes newline-delimited JSON on stdin: a header line, then one line
// per file. This answers on stdout with one change per line: each page's word
// count (under `words`, or the key the step's `options` name), then the site's
// total, in the global metadata. Anything for a human goes to stderr.
import { createInterface } from "node:readline";

const TAG = /<[^>]*>/g;

let header = null;
let total = 0;
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (header === null) {
    header = JSON.parse(line);
    continue;
  }
  const file = JSON.parse(line);
  if (file.encoding !== "utf8") continue; // binary files come as base64: nothing to count
  const words = file.contents.replace(TAG, " ").split(/\s+/).filter(Boolean).length;
  total += words;
  const key = header.options.key ?? "words";
  process.stdout.write(JSON.stringify({ op: "set", path: file.path, metadata: { [key]: words } }) + "\n");
}
process.stdout.write(JSON.stringify({ op: "setGlobal", metadata: { totalWords: total } }) + "\n");
