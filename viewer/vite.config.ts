// Vite build of the viewer page: viewer/index.html → viewer/dist, with relative asset paths.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  build: {
    outDir: path.join(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // pixi.js is one large library; its size is expected.
    chunkSizeWarningLimit: 2000,
  },
});
