import { z } from "zod";

// Each entrypoint parses its config and state files once and exits: zod's JIT (code
// generated per object schema on first parse) costs more than it saves there. (The audit
// verifier, the one hot loop, checks records without zod.)
z.config({ jitless: true });

export { z };
