import { readFileSync, statSync } from "node:fs";
import { errno, messageOf, WkError } from "./errors.js";

/**
 * The bot token never goes in a plist or a unit file: it lives in a 0600 env file
 * (like ~/.ssh keys) that each entrypoint reads itself. Variables already in the
 * environment win. A file others can read is refused, as ssh refuses a loose key.
 */
export function loadEnvFile(path: string, env: NodeJS.ProcessEnv, required: boolean): string[] {
  let text: string;
  try {
    const st = statSync(path);
    if (process.platform !== "win32" && (st.mode & 0o077) !== 0)
      throw new WkError("CONFIG", `${path}: readable by group or others (mode ${(st.mode & 0o777).toString(8).padStart(4, "0")}); it holds secrets: run chmod 600 '${path}'`);
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof WkError) throw err;
    if (errno(err) === "ENOENT" && !required) return [];
    throw new WkError("CONFIG", `${path}: cannot read env file (${errno(err) ?? messageOf(err)})`, { cause: err });
  }
  const set: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\uFEFF/, "").trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new WkError("CONFIG", `${path}: line ${i + 1}: expected NAME=value`);
    let value = m[2]!;
    if ((value.startsWith('"') && value.endsWith('"') && value.length >= 2) || (value.startsWith("'") && value.endsWith("'") && value.length >= 2)) value = value.slice(1, -1);
    if (env[m[1]!] === undefined) {
      env[m[1]!] = value;
      set.push(m[1]!);
    }
  });
  return set;
}
