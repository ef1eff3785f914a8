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
  /**
   * Records a decision durably: it is in decisions.jsonl when this resolves. Act on a
   * decision only if it was accepted: a repeat of one already made for this scheduled
   * slot (a timer that fired twice) or, in reduce-only mode, one that would increase
   * risk, is dropped.
   */
  decide(decision: Decision): Promise<DecideResult>;
  /** What the risk limits measure: positions after fills, equity, metered spend since the last report. */
  report(metrics: Metrics): void;
  /** "normal", or "reduce-only" while a paused circuit lets cycles run (risk.onPause). */
  readonly mode: "normal" | "reduce-only";
  /** Marks that work advanced inside a long layer. Never call it from a timer. */
  progress(note: string): void;
  /** The market-data layer reports the time (epoch seconds) of the newest bar it received. */
  reportData(newestBarAtSec: number): void;
}

export interface DecideResult {
  accepted: boolean;
  /** Why it was dropped. */
  reason?: string;
}

export interface Metrics {
  positions?: Record<string, number>;
  equity?: number;
  spend?: number;
}

/** A strategy's own invariant, checked with the built-in limits after every layer. */
export interface Invariant {
  readonly name: string;
  /** A breach, or null. */
  check(ctx: CycleContext): { value: number; limit: number; detail: string } | null;
}

export interface PauseContext {
  readonly options: Readonly<Record<string, unknown>>;
  readonly memoryDir: string;
  readonly now: () => number;
  readonly log: Logger;
}

export interface Layer {
  readonly name: string;
  run(ctx: CycleContext): Promise<void> | void;
}

export interface Strategy {
  readonly name: string;
  /** Run in order; the circuit is checked before each one. */
  readonly layers: readonly Layer[];
  /** Extra invariants, checked after every layer like the risk limits. */
  readonly invariants?: readonly Invariant[];
  /**
   * Called once per trip when a cycle finds the circuit paused: cancel working orders,
   * and with "flatten" close positions. Returns what it did, for the audit trail.
   */
  onPause?(ctx: PauseContext, mode: "cancel" | "flatten" | "reduce-only"): Promise<Record<string, unknown>> | Record<string, unknown>;
}

export type StrategyFactory = (options: Readonly<Record<string, unknown>>) => Strategy;

/** Identity helper that gives a strategy module its types. */
export function defineStrategy<T extends Strategy | StrategyFactory>(s: T): T {
  return s;
}
