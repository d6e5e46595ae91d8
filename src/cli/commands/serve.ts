import type { Command } from 'commander';
import { intArg } from '../options';
import { loadBrowserMode } from '../lazy';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the studio in browser mode on 127.0.0.1 (prints the URL with its token)')
    .option('-p, --project <dir>', 'open this project folder')
    .option('--port <n>', 'port (default: a free one)', intArg)
    .action(async (o: { project?: string; port?: number }) => {
      const { runBrowserMode } = loadBrowserMode();
      const { host, studio } = await runBrowserMode({ ...(o.project ? { projectDir: o.project } : {}), ...(o.port ? { port: o.port } : {}) });
      process.stdout.write(`SynOOD Studio (browser mode): ${host.url}\n`);
      const stop = async () => {
        await host.close();
        await studio.close();
        process.exit(0);
      };
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
      // Serve until a signal: the CLI exits as soon as a command's action returns.
      await new Promise<never>(() => {});
    });
}
