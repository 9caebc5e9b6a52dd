/// <reference types="vitest/config" />
import { fileURLToPath, URL } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development (`npm run dev`) the API runs at 127.0.0.1:8000 (`ecolaura up`).
const api = process.env.ECOLAURA_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  build: {
    target: "es2022",
    // The gzip and brotli variants are made by scripts/compress.mjs; report sizes there.
    reportCompressedSize: false,
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { "/api": api, "/health": api, "/schema": api } },
  test: {
    environment: "jsdom",
    // Testing Library unmounts each test's renders by itself where afterEach is a global.
    globals: true,
    setupFiles: ["./src/testing/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    retry: 0,
    restoreMocks: true,
  },
});
