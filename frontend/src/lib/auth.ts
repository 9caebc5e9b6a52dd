import { useSyncExternalStore } from "react";

/** The signed-in person's tokens, kept in localStorage so a reload keeps the session. */
export type Session = {
  accessToken: string;
  refreshToken: string;
  userId: string;
  roles: string[];
  email?: string;
};

const KEY = "ecolaura.session";
const listeners = new Set<() => void>();
let cached: Session | null | undefined;

function read(): Session | null {
  if (cached !== undefined) return cached;
  try {
    const raw = localStorage.getItem(KEY);
    cached = raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function getSession(): Session | null {
  return read();
}

export function setSession(session: Session | null): void {
  cached = session;
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    // storage full or disabled: the session lives in memory only
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) {
      cached = undefined;
      listener();
    }
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, read, () => null);
}

/** Role checks for what the app shows; the server still decides. */
export function hasRole(session: Session | null, ...roles: string[]): boolean {
  return !!session && roles.some((role) => session.roles.includes(role));
}
