/** Writes watchkeeper.schema.json from the zod config schema: one schema, one truth. */
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../watchdog/core/config.js";

export function schemaText(): string {
  return JSON.stringify(configJsonSchema(), null, 2) + "\n";
}

const out = new URL("../../watchkeeper.schema.json", import.meta.url);
if (process.argv.includes("--check")) {
  const { readFileSync } = await import("node:fs");
  const current = readFileSync(out, "utf8");
  if (current !== schemaText()) {
    process.stderr.write("watchkeeper.schema.json is out of date: run npm run schema\n");
    process.exit(1);
  }
} else if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop() ?? "")) {
  writeFileSync(out, schemaText());
  process.stdout.write(`wrote ${out.pathname}\n`);
}
