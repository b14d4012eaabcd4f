/** The longest delay setTimeout takes; beyond it Node fires after 1 ms (a 32-bit overflow). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `callback` after `ms`, however long (chained timers of at most {@link MAX_TIMER_MS});
 * returns the cancel function.
 */
export function longTimeout(ms: number, callback: () => void): () => void {
  let timer: NodeJS.Timeout;
  const deadline = Date.now() + ms;
  const arm = (left: number) => {
    timer = setTimeout(() => {
      const rest = deadline - Date.now();
      if (rest > 0) arm(rest);
      else callback();
    }, Math.min(Math.max(0, left), MAX_TIMER_MS));
  };
  arm(ms);
  return () => clearTimeout(timer);
}
