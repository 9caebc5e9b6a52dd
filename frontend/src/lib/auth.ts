import { useSyncExternalStore } from "react";

/**
 * The signed-in person's access token and roles, in memory only. The refresh token is an HttpOnly
 * cookie no script can read (the API sets it on sign-in, `X-Ecolaura-Session: cookie`); a reload
 * asks the refresh endpoint for a new access token. localStorage holds only a hint that someone was
 * signed in here (their email, no token), so that a visitor who never signed in costs no request.
 */
export type Session = {
  accessToken: string;
  userId: string;
  roles: string[];
  email?: string;
};

export type SessionState = { session: Session | null; restoring: boolean };

const HINT = "ecolaura.signed-in";
const listeners = new Set<() => void>();
let state: SessionState = { session: null, restoring: readHint() !== null };

/** The email of whoever was last signed in on this browser ("" when unknown); null when nobody is. */
export function readHint(): string | null {
  try {
    return localStorage.getItem(HINT);
  } catch {
    return null;
  }
}

function publish(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getSession(): Session | null {
  return state.session;
}

export function setSession(session: Session | null): void {
  try {
    if (session) localStorage.setItem(HINT, session.email ?? readHint() ?? "");
    else localStorage.removeItem(HINT);
  } catch {
    // storage full or disabled: a reload then starts signed out
  }
  publish({ session, restoring: false });
}

/** Whether a session is being restored from the refresh cookie (pages that need one wait). */
export function setRestoring(restoring: boolean): void {
  if (state.restoring !== restoring) publish({ ...state, restoring });
}

export function getSessionState(): SessionState {
  return state;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Signed out in another tab: this one forgets its access token too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === HINT && event.newValue === null && state.session) publish({ session: null, restoring: false });
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

const SERVER: SessionState = { session: null, restoring: false };

export function useSessionState(): SessionState {
  return useSyncExternalStore(subscribe, getSessionState, () => SERVER);
}

export function useSession(): Session | null {
  return useSessionState().session;
}

/** Role checks for what the app shows; the server still decides. */
export function hasRole(session: Session | null, ...roles: string[]): boolean {
  return !!session && roles.some((role) => session.roles.includes(role));
}
