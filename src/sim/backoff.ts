// Reconnect back-off as OCPP 2.0.1 Part 4 §5.3 describes it: the first attempt waits
// RetryBackOffWaitMinimum plus a random part of RetryBackOffRandomRange; each further attempt
// doubles the wait, RetryBackOffRepeatTimes times at most, after which the wait stays constant.

export interface BackoffPolicy {
  /** OCPPCommCtrlr.RetryBackOffWaitMinimum, in ms. */
  waitMinimumMs: number;
  /** OCPPCommCtrlr.RetryBackOffRandomRange, in ms. */
  randomRangeMs: number;
  /** OCPPCommCtrlr.RetryBackOffRepeatTimes. */
  repeatTimes: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { waitMinimumMs: 1000, randomRangeMs: 2000, repeatTimes: 5 };

/** Milliseconds to wait before reconnect attempt `attempt` (0 for the first one). */
export function computeReconnectDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const doublings = Math.min(Math.max(attempt, 0), policy.repeatTimes);
  return Math.round(policy.waitMinimumMs * 2 ** doublings + random() * policy.randomRangeMs);
}
