/**
 * Electron's own build of better-sqlite3 (scripts/native-electron.mjs makes it), chosen in the Electron main and job
 * processes only. better-sqlite3 compiles against V8, so the build in node_modules (for Node, which the CLI, tests and
 * browser mode run on) cannot load in Electron (another NODE_MODULE_VERSION) and vice versa: both builds exist side
 * by side, and nothing here touches node_modules.
 *
 * No electron import: the caller passes app.isPackaged and the paths, so tests load this module under Node.
 */
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

export const SQLITE_ADDON = 'better_sqlite3.node';
/** Passed to the job process (a utility process) so that it loads the same build as the main process. */
export const SQLITE_BINDING_ENV = 'SYNOOD_SQLITE_BINDING';

/** The cache folder name for a runtime's ABI; scripts/native-electron.mjs names its folders the same way. */
export function nativeKey(abi: string = process.versions.modules, platform: string = process.platform, arch: string = process.arch): string {
  return `electron-abi${abi}-${platform}-${arch}`;
}

/**
 * Where the Electron build lives: out/native/<key>/ beside the app in development (`npm start`), resources/native/<key>/
 * in a packaged app (electron-builder copies out/native there). The key comes from the running process's ABI, so a
 * build for another Electron is never picked.
 */
export function electronSqliteBinding(o: { packaged: boolean; appPath: string; resourcesPath: string; abi?: string; platform?: string; arch?: string }): string {
  const base = o.packaged ? path.join(o.resourcesPath, 'native') : path.join(o.appPath, 'out', 'native');
  return path.join(base, nativeKey(o.abi, o.platform, o.arch), SQLITE_ADDON);
}

export class MissingNativeBuildError extends Error {
  constructor(readonly file: string) {
    super(
      `better-sqlite3 has no build for this Electron (NODE_MODULE_VERSION ${process.versions.modules}) at ${file}. ` +
        'Run `npm run native:electron` (npm start and npm run dist do it first); it explains what it needs when it cannot build.',
    );
    this.name = 'MissingNativeBuildError';
  }
}

type NodeLoader = (module: unknown, filename: string, ...rest: unknown[]) => unknown;
const extensions = (Module as unknown as { _extensions: Record<string, NodeLoader> })._extensions;
let installed: { file: string; original: NodeLoader } | null = null;

/**
 * From now on, whoever loads better_sqlite3.node gets `file`. better-sqlite3 loads its addon lazily, on the first
 * `new Database()` (through `bindings`, which finds node_modules' build/Release/better_sqlite3.node), so this works as
 * long as it runs before any database opens, whatever order the bundler put the imports in. The same result as
 * better-sqlite3's `nativeBinding` option, without every `new Database()` call site having to pass it.
 * Also sets SYNOOD_SQLITE_BINDING, so that processes started from here inherit the choice.
 */
export function installSqliteBinding(file: string): void {
  if (!fs.existsSync(file)) throw new MissingNativeBuildError(file);
  if (installed) {
    installed.file = file;
  } else {
    const original = extensions['.node']!;
    const state = { file, original };
    extensions['.node'] = function (this: unknown, module: unknown, filename: string, ...rest: unknown[]) {
      return original.call(this, module, path.basename(filename) === SQLITE_ADDON ? state.file : filename, ...rest);
    };
    installed = state;
  }
  process.env[SQLITE_BINDING_ENV] = file;
}

/** The build installed by installSqliteBinding, or null (node_modules' own build is used). */
export function installedSqliteBinding(): string | null {
  return installed?.file ?? null;
}

/** Undoes installSqliteBinding (tests). An addon already loaded stays loaded: Node cannot unload one. */
export function uninstallSqliteBinding(): void {
  if (!installed) return;
  extensions['.node'] = installed.original;
  installed = null;
  delete process.env[SQLITE_BINDING_ENV];
}
