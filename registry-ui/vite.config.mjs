// @ts-check
import { defineConfig } from 'vite';

/** The SPA is served by the console server under /ui/; JSX goes through esbuild into Preact. */
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or styles: the console serves the app under a strict CSP.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
