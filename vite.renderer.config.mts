import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = dirname(fileURLToPath(import.meta.url));

/** The renderer build shared by Electron (loaded from file) and browser mode (served by the host). */
export const rendererConfig = {
  root: resolve(here, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: { outDir: resolve(here, 'out/renderer'), emptyOutDir: true, chunkSizeWarningLimit: 2000 },
};

export default defineConfig(rendererConfig);
