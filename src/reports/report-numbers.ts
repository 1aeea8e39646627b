/** A value as node-postgres returns it: bigint and numeric come back as strings. */
export type Num = string | number | null;

export function int(value: Num | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** Seconds are reported to the millisecond (timestamps have microseconds; float noise is not a figure). */
export function num(value: Num | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value) * 1000) / 1000;
}
