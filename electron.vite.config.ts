import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.mts';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        // The job process is its own entry: it is forked (utilityProcess) by the main process.
        input: { index: resolve(__dirname, 'src/main/index.ts'), 'job-process': resolve(__dirname, 'src/main/jobs/job-process.ts') },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: rendererConfig,
});
