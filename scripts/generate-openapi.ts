/**
 * Writes openapi/keygate.openapi.json from the protos' google.api.http rules.
 *   npm run generate:openapi              (re)write the file
 *   npm run generate:openapi -- --check   fail if the file is not what would be written (CI)
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { keygateOpenApiDocument, openApiFile, serializeOpenApi } from "../src/server/openapi-keygate.js";

const file = fileURLToPath(new URL(`../${openApiFile}`, import.meta.url));
const text = serializeOpenApi(keygateOpenApiDocument());

if (process.argv.includes("--check")) {
  const committed = await readFile(file, "utf8").catch(() => "");
  if (committed !== text) {
    console.error(`${openApiFile} is stale: run 'npm run generate:openapi' and commit the result.`);
    process.exit(1);
  }
  console.log(`${openApiFile} is up to date.`);
} else {
  await writeFile(file, text);
  console.log(`wrote ${openApiFile}`);
}
