import { describe, expect, it } from "vitest";
import { formatKg, formatMoney } from "@/lib/format";

describe("formatting", () => {
  it("writes money without Intl", () => {
    expect(formatMoney(123450, "EUR")).toBe("€1,234.50");
    expect(formatMoney(295, "GBP")).toBe("£2.95");
    expect(formatMoney(5500, "SEK")).toBe("55.00 kr");
    expect(formatMoney(-1200, "USD")).toBe("-$12.00");
    expect(formatMoney(100000, "EUR", 0)).toBe("€1,000");
    expect(formatMoney(1000, "JPY")).toBe("10.00 JPY");
  });

  it("writes grams below a kilogram", () => {
    expect(formatKg(0.561)).toBe("561 g CO2e");
    expect(formatKg(1.587)).toBe("1.59 kg CO2e");
    expect(formatKg(12.34)).toBe("12.3 kg CO2e");
  });
});
