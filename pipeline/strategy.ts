import type { Logger } from "pino";

/** What a strategy decided; `action` is free text ("buy", "sell", "hold", ...). */
export interface Decision {
  action: string;
  symbol?: string;
  [field: string]: unknown;
}

export interface CycleContext {
  readonly cycleId: string;
  readonly strategy: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** The config's memory folder: keep strategy state here. */
  readonly memoryDir: string;
  readonly now: () => number;
  readonly log: Logger;
  /** Aborted when the cycle must stop (deadline, SIGTERM, circuit paused). */
  readonly signal: AbortSignal;
  /** Shared by the layers of one cycle. */
  readonly state: Record<string, unknown>;
  /** Records a decision durably: it is in decisions.jsonl when this resolves. */
  decide(decision: Decision): Promise<void>;
  /** Marks that work advanced inside a long layer. Never call it from a timer. */
  progress(note: string): void;
  /** The market-data layer reports the time (epoch seconds) of the newest bar it received. */
  reportData(newestBarAtSec: number): void;
}

export interface Layer {
  readonly name: string;
  run(ctx: CycleContext): Promise<void> | void;
}

export interface Strategy {
  readonly name: string;
  /** Run in order; the circuit is checked before each one. */
  readonly layers: readonly Layer[];
}

export type StrategyFactory = (options: Readonly<Record<string, unknown>>) => Strategy;

/** Identity helper that gives a strategy module its types. */
export function defineStrategy<T extends Strategy | StrategyFactory>(s: T): T {
  return s;
}
