/**
 * Cost of an episode from its tokens and a price table (USD per million tokens), which a suite's
 * `prices` extends or overrides. Unknown models cost nothing and say so in the record (`model`).
 */
import type { Price } from './suite.js';

/** Built-in prices, USD per million tokens. `mock` (the default provider inside worlds) is free. */
export const DEFAULT_PRICES: Readonly<Record<string, Price>> = {
  mock: { prompt: 0, completion: 0 },
};

/**
 * USD of `tokens` at `model`'s price.
 *
 * @example
 * episodeCost({ prompt: 1e6, completion: 0 }, 'm', { m: { prompt: 2, completion: 8 } }); // 2
 */
export function episodeCost(tokens: { prompt: number; completion: number }, model: string | null, prices: Readonly<Record<string, Price>> = {}): number {
  if (model === null) return 0;
  const price = prices[model] ?? DEFAULT_PRICES[model];
  if (!price) return 0;
  return (tokens.prompt * price.prompt + tokens.completion * price.completion) / 1_000_000;
}
