import "@testing-library/jest-dom/vitest";
import { afterEach } from "vitest";

// Testing Library unmounts what each test rendered (vite.config.ts turns vitest's globals on for it).
afterEach(() => {
  localStorage.clear();
});
