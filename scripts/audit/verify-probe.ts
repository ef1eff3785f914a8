/** Runs audit verify on one file in a fresh process and reports its time and peak memory. */
import { verifyFile } from "./verify.js";

const file = process.argv[2];
if (!file) throw new Error("usage: verify-probe FILE");
const t0 = performance.now();
const s = await verifyFile(file, null);
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, ok: s.ok, records: s.records }) + "\n");
