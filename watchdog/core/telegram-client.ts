import { createRequire } from "node:module";

/**
 * node-telegram-bot-api, loaded when a message is actually sent: most runs send nothing.
 * Its CommonJS build, from node_modules: the dist/bin bundles leave it out (scripts/bundle.ts),
 * so a start does not even read its source, and no ES module loader is needed to reach it.
 */
export const telegramClient = (): typeof import("node-telegram-bot-api") => createRequire(import.meta.url)("node-telegram-bot-api") as typeof import("node-telegram-bot-api");
