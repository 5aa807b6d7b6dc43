/**
 * List prices in US dollars per million tokens (prompt, completion) of OpenAI models, as published
 * when this was written; a model not listed (a local Ollama or vLLM model) has no cost unless
 * `llm.pricing` gives one. Dated model ids (`gpt-4o-mini-2024-07-18`) use their family's price.
 */
const LIST_PRICES: ReadonlyArray<[string, number, number]> = [
  ['gpt-4.1-nano', 0.1, 0.4],
  ['gpt-4.1-mini', 0.4, 1.6],
  ['gpt-4.1', 2, 8],
  ['gpt-4o-mini', 0.15, 0.6],
  ['gpt-4o', 2.5, 10],
  ['gpt-3.5-turbo', 0.5, 1.5],
];

export interface Pricing {
  promptPerMillion: number;
  completionPerMillion: number;
}

export function pricingFor(model: string, configured?: Pricing): Pricing | null {
  if (configured) return configured;
  // Longest prefix first, so gpt-4o-mini is not priced as gpt-4o.
  const match = [...LIST_PRICES]
    .sort((a, b) => b[0].length - a[0].length)
    .find(([prefix]) => model === prefix || model.startsWith(`${prefix}-`));
  return match ? { promptPerMillion: match[1], completionPerMillion: match[2] } : null;
}

/** Dollars for one call, or null when the model's price is unknown. */
export function costUsd(
  model: string,
  promptTokens: number,
  completionTokens: number,
  configured?: Pricing,
): number | null {
  const p = pricingFor(model, configured);
  if (!p) return null;
  return (promptTokens * p.promptPerMillion + completionTokens * p.completionPerMillion) / 1_000_000;
}
