import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.mts';

export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        // The job process is its own entry, forked (utilityProcess) by the main process through electron-job-entry,
        // which selects the Electron build of better-sqlite3 first (src/main/electron-native.ts).
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'job-process': resolve(__dirname, 'src/main/job-process/index.ts'),
          'electron-job-entry': resolve(__dirname, 'src/main/electron-job-entry.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } } },
  },
  renderer: rendererConfig,
});
