import type { Heartbeat } from "../watchdog/core/schemas.js";

export interface DataProgress {
  stale: boolean;
  detail: string;
  fields: { dataAt?: number; unproductive?: number };
}

/**
 * Pure: did this cycle see market data newer than the previous cycle did? A feed that
 * "connects" but never delivers a new bar is the silent failure this catches.
 */
export function dataProgress(previous: Heartbeat | null, newestBarAt: number | undefined, maxUnproductive: number): DataProgress {
  const prevAt = previous?.dataAt;
  const prevCount = previous?.unproductive ?? 0;
  if (newestBarAt === undefined) {
    // The strategy reports no data this cycle: carry the last known state forward.
    const fields: DataProgress["fields"] = {};
    if (prevAt !== undefined) fields.dataAt = prevAt;
    if (previous?.unproductive !== undefined) fields.unproductive = prevCount;
    return { stale: false, detail: "", fields };
  }
  const advanced = prevAt === undefined || newestBarAt > prevAt;
  const unproductive = advanced ? 0 : prevCount + 1;
  const stale = unproductive >= maxUnproductive;
  return {
    stale,
    detail: stale
      ? `no newer market data for ${unproductive} consecutive cycles (newest bar ${new Date(newestBarAt * 1000).toISOString()}; limit cycle.maxUnproductive=${maxUnproductive})`
      : "",
    fields: { dataAt: Math.max(newestBarAt, prevAt ?? newestBarAt), unproductive },
  };
}
