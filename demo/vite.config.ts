import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Builds the demo page (demo/web) into demo/dist/web, which the demo server serves. Vite's own
// oxc transform compiles the TSX; no React plugin is needed for a production build.
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
  },
});
