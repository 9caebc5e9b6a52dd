import { useSyncExternalStore } from "react";

/** A cart line as the shopper chose it; price and stock are checked again at checkout. */
export type CartLine = {
  productId: string;
  name: string;
  priceMinor: number;
  currency: string;
  quantity: number;
};

const KEY = "ecolaura.cart";
const listeners = new Set<() => void>();
let lines: CartLine[] | null = null;

function load(): CartLine[] {
  if (lines) return lines;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    lines = Array.isArray(parsed) ? (parsed as CartLine[]).filter((l) => l && typeof l.productId === "string") : [];
  } catch {
    lines = [];
  }
  return lines;
}

function save(next: CartLine[]): void {
  lines = next;
  try {
    localStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // storage unavailable: the cart lasts as long as the page
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) {
      lines = null;
      listener();
    }
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export const cart = {
  lines: load,
  add(line: Omit<CartLine, "quantity">, quantity = 1): void {
    const current = load();
    const found = current.find((l) => l.productId === line.productId);
    save(
      found
        ? current.map((l) => (l.productId === line.productId ? { ...l, quantity: Math.min(99, l.quantity + quantity) } : l))
        : [...current, { ...line, quantity }],
    );
  },
  setQuantity(productId: string, quantity: number): void {
    save(
      quantity <= 0
        ? load().filter((l) => l.productId !== productId)
        : load().map((l) => (l.productId === productId ? { ...l, quantity: Math.min(99, quantity) } : l)),
    );
  },
  clear(): void {
    save([]);
  },
  reset(): void {
    lines = null;
  },
};

export function useCart(): CartLine[] {
  return useSyncExternalStore(subscribe, load, () => []);
}

export function cartCount(current: CartLine[]): number {
  return current.reduce((sum, l) => sum + l.quantity, 0);
}

export function cartSubtotal(current: CartLine[]): { minor: number; currency: string } {
  return {
    minor: current.reduce((sum, l) => sum + l.priceMinor * l.quantity, 0),
    currency: current[0]?.currency ?? "EUR",
  };
}
