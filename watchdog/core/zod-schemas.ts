/**
 * Every zod schema a run may need when a generated parser (generated/parsers.ts) is not
 * sure. In the dist/bin bundles this module is swapped for one that loads
 * dist/bin/zod-schemas.cjs on first use (scripts/bundle.ts): a run whose files are good
 * never evaluates zod, which is most of what a start costs beyond Node's own.
 */
import { ConfigSchema, formatZodIssue } from "./config-schema.js";
import * as files from "./schemas.js";

const all = { ...files, ConfigSchema, formatZodIssue };
export type ZodSchemas = typeof all;

export function zodSchemas(): ZodSchemas {
  return all;
}
