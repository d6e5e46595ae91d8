import path from 'node:path';
import type { Command } from 'commander';
import { jsonOption, projectDir, projectOption } from '../options';
import { printResult } from '../output';
import { withStudio } from '../studio-call';

/**
 * `synood import run FILE`: a run bundle (from `synood export run` or Compare's export button) into this project as
 * a read-only foreign run. A truncated, tampered or too-new bundle is refused (exit 3) and nothing is written.
 * Registered under the existing `import` command, which imports datasets.
 */
export function registerImportRun(program: Command): void {
  const imp = program.commands.find((c) => c.name() === 'import');
  if (!imp) throw new Error('registerImportRun: register the import command first');
  // `import` itself requires --name and --kind (a dataset). Commander checks a command's required options for its
  // subcommands as well, so they are checked here for `import`'s own action only.
  const required = imp.options.filter((opt) => opt.mandatory);
  for (const opt of required) opt.makeOptionMandatory(false);
  imp.hook('preAction', (_self, action) => {
    if (action !== imp) return;
    for (const opt of required)
      if (imp.getOptionValue(opt.attributeName()) === undefined) imp.error(`error: required option '${opt.flags}' not specified`, { code: 'commander.missingMandatoryOptionValue' });
  });
  const cmd = imp
    .command('run')
    .description('a run bundle (synood export run) into this project as a read-only foreign run that compare treats like its own')
    .argument('<file>', 'bundle file (.synood-run)');
  jsonOption(projectOption(cmd)).action(async function (this: Command, file: string) {
    // Options after the file may have been taken by `import` (it has -p and --json too): read both levels.
    const o = this.optsWithGlobals() as { project?: string; json?: boolean };
    await withStudio(projectDir(o), async (call) => {
      const r = await call('bundle.import', { file: path.resolve(file) });
      printResult(r, !!o.json, () =>
        r.alreadyImported
          ? `already imported as run ${r.runId} '${r.name}'; nothing changed`
          : `imported run ${r.runId} '${r.name}' (foreign, read-only) from ${r.origin.projectName} (${r.origin.projectPath}, run ${r.origin.runId}), exported ${new Date(r.origin.exportedAt).toISOString()} by SynOOD Studio ${r.origin.studioVersion}`,
      );
    });
  });
}
