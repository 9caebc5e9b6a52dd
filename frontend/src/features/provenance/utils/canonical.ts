/**
 * RFC 8785 (JSON Canonicalization Scheme) for values parsed from JSON: object members sorted by
 * their names' UTF-16 code units, no whitespace, strings and numbers serialised as ECMAScript's
 * JSON.stringify does (RFC 8785 adopts exactly that: section 3.2.2). The log hashes events in
 * this form (Python's `rfc8785`); the vectors in __tests__/fixtures/timeline.json check the match.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function canonicalize(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("RFC 8785 has no form for NaN or Infinity");
    return JSON.stringify(value); // -0 becomes "0", as RFC 8785 wants
  }
  if (Array.isArray(value)) return `[${value.map(canonicalize).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    // The default sort compares UTF-16 code units, which is RFC 8785's order (section 3.2.3).
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalize(v)}`).join(",")}}`;
  }
  throw new TypeError(`RFC 8785 has no form for a ${typeof value}`);
}
