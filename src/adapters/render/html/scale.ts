// Axis scales of the report's charts: round ticks in one unit, bytes or dollars.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Axis ticks of a scale: where each goes (in the data's unit) and its label. */
export type Ticks = { domainMax: number; ticks: Array<{ value: number; label: string }> };

/**
 * Ticks over [0, max] at a 1-2-2.5-5 step, `scale` data units to one shown unit; `label` writes a
 * non-zero tick from its value in shown units and the decimals the step needs.
 */
function niceTicks(
  max: number,
  scale: number,
  targetCount: number,
  zero: string,
  label: (shown: number, decimals: number) => string,
): Ticks {
  const inUnit = Math.max(0, max) / scale;
  if (inUnit === 0) return { domainMax: 1, ticks: [{ value: 0, label: zero }] };
  const rough = inUnit / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rough) ?? 10) * magnitude;
  const count = Math.max(1, Math.ceil(inUnit / step - 1e-9));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (step / magnitude === 2.5 ? 1 : 0));
  const ticks: Array<{ value: number; label: string }> = [];
  for (let i = 0; i <= count; i++) {
    const v = Number((i * step).toFixed(decimals));
    ticks.push({ value: v * scale, label: i === 0 ? zero : label(v, decimals) });
  }
  return { domainMax: count * step * scale, ticks };
}

/** Axis ticks over [0, max] bytes at a 1-2-5 step in one binary unit, labelled like `500 MiB`. */
export function byteTicks(maxBytes: number, targetCount = 5): Ticks {
  let unit = 0;
  while (unit < UNITS.length - 1 && maxBytes >= 1024 ** (unit + 1)) unit++;
  return niceTicks(maxBytes, 1024 ** unit, targetCount, '0', (v) => `${v} ${UNITS[unit]}`);
}

/** Axis ticks over [0, max] US dollars at a 1-2-5 step, labelled like `$250` or `$0.25`. */
export function usdTicks(maxUsd: number, targetCount = 5): Ticks {
  // Cents are shown whole: $0.10, not $0.1.
  return niceTicks(maxUsd, 1, targetCount, '$0', (v, decimals) => {
    const d = decimals > 0 ? Math.max(2, decimals) : 0;
    return `$${v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })}`;
  });
}
