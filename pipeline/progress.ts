import { atomicWriteFile } from "../watchdog/core/fsx.js";
import { epochSec } from "../watchdog/core/time.js";
import type { Progress } from "../watchdog/core/schemas.js";

/** Durable writes cost an fsync or two; inside a tight loop, one a second is plenty. */
const MIN_WRITE_INTERVAL_MS = 1000;

/**
 * data/progress.json: advanced only when work advances (a layer boundary, a
 * ctx.progress call), never from a timer. Steps keep counting across cycles.
 */
export class ProgressWriter {
  private step: number;
  private lastWriteMs = -Infinity;
  current: Progress;

  constructor(
    private readonly path: string,
    private readonly cycle: string,
    private readonly now: () => number,
    previousStep: number,
    private readonly onChange: (p: Progress) => void = () => {},
  ) {
    this.step = previousStep;
    this.current = { step: previousStep, note: "", at: epochSec(now()), cycle, pid: process.pid };
  }

  mark(note: string, layer: string, force = false): void {
    this.step++;
    const t = this.now();
    this.current = { step: this.step, note: note.slice(0, 500), at: epochSec(t), cycle: this.cycle, pid: process.pid, layer };
    this.onChange(this.current);
    if (force || t - this.lastWriteMs >= MIN_WRITE_INTERVAL_MS) {
      this.lastWriteMs = t;
      atomicWriteFile(this.path, JSON.stringify(this.current, null, 2) + "\n");
    }
  }

  get lastStep(): number {
    return this.step;
  }
}
