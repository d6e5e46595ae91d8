import { execFile } from 'node:child_process';
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { electronSqliteBinding, installedSqliteBinding, installSqliteBinding, MissingNativeBuildError, nativeKey, SQLITE_ADDON, SQLITE_BINDING_ENV, uninstallSqliteBinding } from '../../src/main/electron-native';
import { buildEnv, buildPlan, cacheKey, electronBinary, electronTarget, ensureSqlite, explainFailure, nodeVersionNote, probeAbi, type NativeTarget } from '../../scripts/native-electron.mjs';
import { tmpDir } from '../helpers/tmp';

const REPO = path.resolve(__dirname, '../..');
const NODE_BUILD = path.join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', SQLITE_ADDON);

// What prebuild-install and node-gyp print on this workplace, whose network resolves only the npm registry.
const PREBUILD_OFFLINE = `prebuild-install info begin Prebuild-install version 7.1.3
prebuild-install info looking for local prebuild @ prebuilds/better-sqlite3-v12.11.1-electron-v150-linux-x64.tar.gz
prebuild-install http request GET https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v150-linux-x64.tar.gz
prebuild-install warn install getaddrinfo ENOTFOUND github.com`;
const GYP_OFFLINE = `gyp info using node-gyp@12.4.0
gyp http GET https://electronjs.org/headers/v45.5.0/node-v45.5.0-headers.tar.gz
gyp WARN install got an error, rolling back install
gyp ERR! configure error
gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and
gyp ERR! stack is related to network connectivity. In most cases you are behind a proxy or have bad
gyp ERR! stack network settings.`;

describe('better-sqlite3 for Electron, beside the Node build', () => {
  const t = tmpDir('synood-native-');
  afterAll(() => {
    uninstallSqliteBinding();
    t.cleanup();
  });

  it('reads Electron 45.5.0 and its ABI from node_modules (no binary needed) and names the cache like the entry does', () => {
    const target = electronTarget();
    expect(target).toMatchObject({ runtime: 'electron', version: '45.5.0', abi: '150', platform: process.platform, arch: process.arch });
    expect(cacheKey(target)).toBe(nativeKey('150'));
    expect(cacheKey(target)).toBe(`electron-abi150-${process.platform}-${process.arch}`);
  });

  it('selects out/native/<key> in development and resources/native/<key> when packaged, by the running ABI', () => {
    const dev = electronSqliteBinding({ packaged: false, appPath: '/repo', resourcesPath: '/opt/app/resources', abi: '150', platform: 'linux', arch: 'x64' });
    expect(dev).toBe(path.join('/repo', 'out', 'native', 'electron-abi150-linux-x64', 'better_sqlite3.node'));
    const packaged = electronSqliteBinding({ packaged: true, appPath: '/opt/app/resources/app.asar', resourcesPath: '/opt/app/resources', abi: '150', platform: 'linux', arch: 'x64' });
    expect(packaged).toBe(path.join('/opt/app/resources', 'native', 'electron-abi150-linux-x64', 'better_sqlite3.node'));
    // Another Electron (ABI) never picks this build up; without an explicit ABI the running process's is used.
    expect(electronSqliteBinding({ packaged: false, appPath: '/repo', resourcesPath: '', abi: '151', platform: 'linux', arch: 'x64' })).toContain('electron-abi151-linux-x64');
    expect(electronSqliteBinding({ packaged: false, appPath: '/repo', resourcesPath: '' })).toContain(`electron-abi${process.versions.modules}-${process.platform}-${process.arch}`);
  });

  it('leaves the Node build in node_modules loadable: the CLI and tests open databases with it', () => {
    expect(probeAbi(NODE_BUILD)).toBe(process.versions.modules);
    const db = new Database(':memory:');
    expect(db.prepare('SELECT sqlite_version() AS v').get()).toHaveProperty('v');
    db.close();
  });

  it('redirects only better_sqlite3.node to the chosen file, and says how to make it when it is missing', () => {
    const ext = (Module as unknown as { _extensions: Record<string, (m: unknown, f: string) => unknown> })._extensions;
    const real = ext['.node']!;
    const seen: string[] = [];
    ext['.node'] = (_m, f) => void seen.push(f);
    try {
      const chosen = path.join(t.dir, 'electron-abi150', SQLITE_ADDON);
      expect(() => installSqliteBinding(chosen)).toThrow(MissingNativeBuildError);
      expect(() => installSqliteBinding(chosen)).toThrow(/npm run native:electron/);
      fs.mkdirSync(path.dirname(chosen), { recursive: true });
      fs.writeFileSync(chosen, '');
      installSqliteBinding(chosen);
      expect(installedSqliteBinding()).toBe(chosen);
      expect(process.env[SQLITE_BINDING_ENV]).toBe(chosen);
      ext['.node']!({}, NODE_BUILD);
      ext['.node']!({}, '/somewhere/node_modules/sharp/build/Release/sharp.node');
      expect(seen).toEqual([chosen, '/somewhere/node_modules/sharp/build/Release/sharp.node']);
      uninstallSqliteBinding();
      expect(process.env[SQLITE_BINDING_ENV]).toBeUndefined();
      expect(installedSqliteBinding()).toBeNull();
    } finally {
      ext['.node'] = real;
    }
  });

  it('makes better-sqlite3 load the chosen build in a fresh process (a copy stands in for the Electron build)', async () => {
    // Under Node only a Node-ABI file can load, so a copy of the Node build plays the Electron one: what is checked is
    // which file the process maps, as the Electron main and job processes would.
    const chosen = path.join(t.dir, 'electron-abi-standin', SQLITE_ADDON);
    fs.mkdirSync(path.dirname(chosen), { recursive: true });
    fs.copyFileSync(NODE_BUILD, chosen);
    const child = path.join(t.dir, 'child.ts');
    fs.writeFileSync(
      child,
      `import fs from 'node:fs';
import { installSqliteBinding } from ${JSON.stringify(path.join(REPO, 'src/main/electron-native.ts'))};
import Database from ${JSON.stringify(path.join(REPO, 'node_modules', 'better-sqlite3'))};
installSqliteBinding(process.argv[2]!);
const db = new Database(':memory:');
db.prepare('SELECT 1').get();
const maps = fs.readFileSync('/proc/self/maps', 'utf8');
console.log(JSON.stringify({ chosen: maps.includes(process.argv[2]!), nodeModules: maps.includes(${JSON.stringify(NODE_BUILD)}) }));
`,
    );
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', child, chosen], { cwd: REPO, timeout: 60_000 }, (err, stdout, stderr) =>
        // Without the child's stack lines: vitest would go looking for source maps in the files they name.
        err ? reject(new Error(`child failed: ${stderr.split('\n').filter((l) => !/^\s+at /.test(l)).join('\n')}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ chosen: true, nodeModules: false });
  });
});

describe('scripts/native-electron.mjs', () => {
  const t = tmpDir('synood-native-script-');
  afterAll(() => t.cleanup());
  const target: NativeTarget = { runtime: 'electron', version: '45.5.0', abi: '150', platform: 'linux', arch: 'x64' };

  /** A root with just what the script reads: better-sqlite3's package (no build) and node_modules/.bin. */
  function fakeRoot(name: string): string {
    const root = path.join(t.dir, name);
    fs.mkdirSync(path.join(root, 'node_modules', 'better-sqlite3', 'src'), { recursive: true });
    fs.mkdirSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }));
    fs.writeFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', SQLITE_ADDON), 'the node build');
    return root;
  }

  it('keeps npm settings out of the build: nodedir=/usr (this machine) would compile against Node 20', () => {
    const env = buildEnv({ PATH: '/bin', npm_config_nodedir: '/usr', npm_config_target: '20.20.2', npm_config_runtime: 'node', npm_config_cache: '/c', HOME: '/h' });
    expect(env).toEqual({ PATH: '/bin', npm_config_cache: '/c', HOME: '/h' });
  });

  it('plans a prebuilt download, then a node-gyp build against the Electron headers; offline headers when given', () => {
    const plan = buildPlan(target, { root: '/r' });
    expect(plan.map((s) => s.kind)).toEqual(['prebuilt', 'source']);
    expect(plan[0]!.args).toEqual(expect.arrayContaining(['--runtime=electron', '--target=45.5.0', '--arch=x64', '--platform=linux']));
    expect(plan[1]!.args).toEqual(expect.arrayContaining(['rebuild', '--release', '--runtime=electron', '--target=45.5.0', '--dist-url=https://electronjs.org/headers']));
    const tarball = path.join(t.dir, 'node-v45.5.0-headers.tar.gz');
    fs.writeFileSync(tarball, '');
    expect(buildPlan(target, { headers: tarball })).toEqual([expect.objectContaining({ kind: 'source-offline', args: expect.arrayContaining([`--tarball=${tarball}`]) })]);
    expect(buildPlan(target, { headers: t.dir })[0]!.args).toContain(`--nodedir=${t.dir}`);
  });

  it('explains offline failures in a few words, with the URL it could not fetch', () => {
    expect(explainFailure(PREBUILD_OFFLINE)).toBe('cannot download https://github.com/WiseLibs/better-sqlite3/releases/download/v12.11.1/better-sqlite3-v12.11.1-electron-v150-linux-x64.tar.gz (cannot resolve github.com; offline?)');
    expect(explainFailure(GYP_OFFLINE)).toBe('cannot download https://electronjs.org/headers/v45.5.0/node-v45.5.0-headers.tar.gz (network error; offline?)');
  });

  it('offline: fails with what was tried and the ways out, and writes nothing into node_modules or the cache', () => {
    const root = fakeRoot('offline');
    const nodeBuild = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', SQLITE_ADDON);
    const ran: string[] = [];
    const r = ensureSqlite(target, {
      root,
      headers: '',
      log: () => undefined,
      run: (cmd, args, cwd) => {
        ran.push(path.basename(cmd));
        // The staging copy is a copy without build/: node_modules is never the working folder.
        expect(cwd).not.toContain(`node_modules${path.sep}better-sqlite3`);
        expect(fs.existsSync(path.join(cwd, 'package.json'))).toBe(true);
        expect(fs.existsSync(path.join(cwd, 'build'))).toBe(false);
        return { status: 1, output: path.basename(cmd) === 'prebuild-install' ? PREBUILD_OFFLINE : GYP_OFFLINE };
      },
    });
    expect(ran).toEqual(['prebuild-install', 'node-gyp']);
    expect(r.ok).toBe(false);
    const message = (r as { message: string }).message;
    expect(message).toContain('Could not make better-sqlite3 for electron 45.5.0 (NODE_MODULE_VERSION 150, linux-x64)');
    expect(message).toContain('prebuilt binary (prebuild-install): cannot download https://github.com/');
    expect(message).toContain("source build (node-gyp, Electron's headers): cannot download https://electronjs.org/headers/v45.5.0/node-v45.5.0-headers.tar.gz");
    expect(message).toContain('is unchanged');
    expect(message).toContain('SYNOOD_ELECTRON_HEADERS=/path/to/node-v45.5.0-headers.tar.gz npm run native:electron');
    expect(fs.readFileSync(nodeBuild, 'utf8')).toBe('the node build');
    expect(fs.existsSync(path.join(root, 'out', 'native', 'electron-abi150-linux-x64'))).toBe(false);
    expect(fs.readdirSync(path.join(root, 'out', 'native'))).toEqual([]);
  });

  it('refuses a result built for another ABI (wrong headers), and caches a right one', () => {
    const root = fakeRoot('build');
    const build = (cwd: string) => {
      fs.mkdirSync(path.join(cwd, 'build', 'Release'), { recursive: true });
      fs.copyFileSync(NODE_BUILD, path.join(cwd, 'build', 'Release', SQLITE_ADDON));
      return { status: 0, output: 'gyp info ok' };
    };
    // The real probe: node_modules' build is NODE_MODULE_VERSION 115 (Node 20), not Electron's 150.
    const wrong = ensureSqlite(target, { root, headers: '/usr', log: () => undefined, run: (_c, _a, cwd) => build(cwd) });
    expect(wrong.ok).toBe(false);
    expect((wrong as { message: string }).message).toContain(`the result is for NODE_MODULE_VERSION ${process.versions.modules}, not 150 (wrong headers?)`);
    const right = ensureSqlite(target, { root, headers: '/usr', log: () => undefined, run: (_c, _a, cwd) => build(cwd), probe: () => '150' });
    expect(right).toEqual({ ok: true, file: path.join(root, 'out', 'native', 'electron-abi150-linux-x64', SQLITE_ADDON), method: 'source-offline' });
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'out', 'native', 'electron-abi150-linux-x64', 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ runtime: 'electron', version: '45.5.0', abi: '150', betterSqlite3: '12.11.1', method: 'source-offline' });
    // Second time: the cache, nothing runs. Another better-sqlite3 version invalidates it.
    expect(ensureSqlite(target, { root, run: () => expect.fail('nothing should run') })).toMatchObject({ ok: true, method: 'cached' });
    fs.writeFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.12.0' }));
    expect(ensureSqlite(target, { root, headers: '/usr', log: () => undefined, run: () => ({ status: 1, output: 'gyp ERR! x' }) }).ok).toBe(false);
  });

  it('finds an Electron binary only where one is installed; notes Node < 22.12', () => {
    expect(electronBinary(REPO, { ELECTRON_OVERRIDE_DIST_PATH: path.join(t.dir, 'none') })).toBeNull();
    const dist = path.join(t.dir, 'electron-dist');
    fs.mkdirSync(dist, { recursive: true });
    fs.writeFileSync(path.join(dist, 'electron'), '');
    if (process.platform === 'linux') expect(electronBinary(REPO, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toBe(path.join(dist, 'electron'));
    expect(nodeVersionNote(target, '20.20.2')).toMatch(/want Node >= 22\.12/);
    expect(nodeVersionNote(target, '22.12.0')).toBeNull();
    expect(nodeVersionNote(target, '24.1.0')).toBeNull();
  });
});
