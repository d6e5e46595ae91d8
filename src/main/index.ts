/**
 * Electron entry: the only main-side file (with electron-*.ts) that imports electron. Everything else is the same
 * Studio that browser mode and the CLI compose.
 */
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Studio } from './root';
import { contentSecurityPolicy } from './host/csp';
import { resolveServablePath, UnsafePathError } from './files/safe-path';
import { SERVABLE_FOLDERS } from './project/paths';
import { spawnUtilityJobProcess } from './electron-job-process';
import { electronSqliteBinding, installSqliteBinding, SQLITE_BINDING_ENV } from './electron-native';

/**
 * better-sqlite3 built for this Electron's ABI, not node_modules' build for Node (scripts/native-electron.mjs makes
 * it; npm start and npm run dist run that first). Before anything opens a database: the addon loads on first use.
 */
function selectNativeModules(): boolean {
  const file =
    process.env[SQLITE_BINDING_ENV] || electronSqliteBinding({ packaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath });
  try {
    installSqliteBinding(file);
    return true;
  } catch (e) {
    console.error(`SynOOD Studio: ${(e as Error).message}`);
    dialog.showErrorBox('SynOOD Studio cannot start', (e as Error).message);
    app.exit(1);
    return false;
  }
}
const nativeReady = selectNativeModules();

protocol.registerSchemesAsPrivileged([{ scheme: 'synood-file', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let studio: Studio;

function createWindow() {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'SynOOD Studio',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // The renderer never navigates away or opens windows: links to the outside are refused.
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const off = studio.onEvent((e) => {
    if (!win.isDestroyed()) win.webContents.send('synood:event', e);
  });
  win.on('closed', off);
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'));
}

void app.whenReady().then(() => {
  if (!nativeReady) return;
  studio = new Studio({ transport: 'electron', homeDir: path.join(app.getPath('userData'), 'synood'), spawnJobProcess: spawnUtilityJobProcess });
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy(['synood-file:'])] } });
  });
  protocol.handle('synood-file', (req) => {
    const project = studio.project;
    if (!project) return new Response('no project open', { status: 409 });
    const raw = req.url.slice('synood-file://project/'.length).split('?')[0]!;
    try {
      return net.fetch(pathToFileURL(resolveServablePath(project.paths.root, SERVABLE_FOLDERS, raw)).toString());
    } catch (e) {
      return new Response(e instanceof UnsafePathError ? e.message : 'error', { status: 403 });
    }
  });
  ipcMain.handle('synood:call', (event, route: unknown, input: unknown) => {
    // Only our own renderer may call: a frame from elsewhere (should one ever load) is refused.
    const url = event.senderFrame?.url ?? '';
    if (!url.startsWith('file://') && !(process.env.ELECTRON_RENDERER_URL && url.startsWith(process.env.ELECTRON_RENDERER_URL))) {
      return { ok: false, error: { code: 'forbidden', message: `calls from ${url} are not allowed` } };
    }
    return studio.call(String(route), input);
  });
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
});

app.on('window-all-closed', () => {
  void studio?.close().then(() => app.quit());
});
