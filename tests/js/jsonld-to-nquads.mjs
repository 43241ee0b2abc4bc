// Converts JSON-LD files to N-Quads with the reference JSON-LD processor (npm `jsonld`), offline:
// any attempt to load a remote context fails. Prints one JSON object {file: nquads} on stdout.
import { readFileSync } from "node:fs";
import jsonld from "jsonld";

const offline = async (url) => {
  throw new Error(`refusing to load ${url}: documents must be self-contained`);
};

const results = {};
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  results[file] = await jsonld.toRDF(doc, { format: "application/n-quads", documentLoader: offline, safe: true });
}
process.stdout.write(JSON.stringify(results));
