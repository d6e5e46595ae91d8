import path from 'node:path';
import type { Command } from 'commander';
import type { ModelRow, ModelValidation } from '../../shared/api/routes/models';
import { choice, jsonOption, projectDir, projectOption } from '../options';
import { CliError, EXIT, note, printResult, progressLine } from '../output';
import { withStudio } from '../studio-call';
import { loadModels } from '../lazy';
import { textTable } from '../table';

const ROLES = ['clip', 'classifier', 'inpainting', 'vlm'] as const;
const roleOption = (cmd: Command) => cmd.requiredOption('--role <role>', ROLES.join(' | '), choice(ROLES));

function modelsTable(rows: ModelRow[]): string {
  if (rows.length === 0) return 'no models registered (synood models import --role <role> <folder>)';
  return textTable(
    ['id', 'role', 'valid', 'sha256', 'path'],
    rows.map((m) => [m.id, m.role, m.validation?.ok === true ? 'yes' : m.validation?.ok === false ? 'NO' : '?', m.sha256.slice(0, 12), m.path]),
  );
}

function validationText(v: ModelValidation): string {
  if (v.ok) return `${v.root}: a valid ${v.role} model (${v.layout}; ${v.files.length} files checked)`;
  return `${v.root} is not a usable ${v.role} model (${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}):\n${v.problems.map((p) => `  - ${p.message}`).join('\n')}`;
}

async function download(repo: string, o: { role: (typeof ROLES)[number]; revision?: string; dest?: string; project?: string; json?: boolean }): Promise<void> {
  const { downloadFromHub, HubHttpError } = loadModels();
  const dest = path.resolve(o.dest ?? (o.project ? path.join(projectDir(o), 'models', repo.split('/').pop()!) : repo.split('/').pop()!));
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  let result;
  try {
    result = await downloadFromHub({
      repo,
      dest,
      role: o.role,
      ...(o.revision ? { revision: o.revision } : {}),
      signal: abort.signal,
      onProgress: (p) => progressLine('download', Math.round(p.bytes / 1e6), p.total === null ? Math.round(p.bytes / 1e6) : Math.round(p.total / 1e6), `MB  ${p.file}`),
    });
  } catch (err) {
    if (err instanceof HubHttpError && err.status === 404) throw new CliError(err.message, EXIT.notFound);
    throw err;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  if (!o.project) {
    printResult(result, !!o.json, () => `downloaded ${result.files.length} files of ${repo} into ${dest}\nregister it in a project with: synood models import --role ${o.role} ${dest} -p <project>`);
    return;
  }
  if (!o.json) note(`downloaded ${result.files.length} files into ${dest}; validating and registering…`);
  await withStudio(projectDir(o), async (call) => {
    const row = await call('model.import', { role: o.role, path: dest });
    printResult({ download: result, model: row }, !!o.json, () => `registered ${row.role} model #${row.id} (${row.path})`);
  });
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('list, validate, import and download the models each role uses (clip, classifier, inpainting, vlm)');
  jsonOption(projectOption(models.command('list', { isDefault: true }).description('registered models, newest first per role (the default)'))).action(async (o: { project?: string; json?: boolean }) => {
    await withStudio(projectDir(o), async (call) => {
      const rows = await call('model.list', {});
      printResult(rows, !!o.json, () => modelsTable(rows));
    });
  });
  jsonOption(roleOption(models.command('validate').description("check a model folder against the role's contract without loading it (exit 3 when it does not fit)").argument('<path>', 'model folder (or a classifier .onnx file)'))).action(
    async (p: string, o: { role: (typeof ROLES)[number]; json?: boolean }) => {
      await withStudio(undefined, async (call) => {
        const v = await call('model.validate', { role: o.role, path: path.resolve(p) });
        if (o.json) printResult(v, true, () => '');
        if (v.ok) {
          if (!o.json) printResult(v, false, () => validationText(v));
          return;
        }
        if (o.json) process.exitCode = EXIT.badInput;
        else throw new CliError(validationText(v), EXIT.badInput);
      });
    },
  );
  jsonOption(
    projectOption(
      roleOption(
        models
          .command('import')
          .description("validate, hash and register a model folder; it becomes the role's current model")
          .argument('<path>', 'model folder (or a classifier .onnx file)')
          .option('--copy', "copy it under the project's models/ folder instead of using it in place"),
      ),
    ),
  ).action(async (p: string, o: { role: (typeof ROLES)[number]; copy?: boolean; project?: string; json?: boolean }) => {
    await withStudio(projectDir(o), async (call) => {
      const row = await call('model.import', { role: o.role, path: path.resolve(p), copy: !!o.copy });
      printResult(row, !!o.json, () => `registered ${row.role} model #${row.id}: ${row.path}\n${row.validation?.summary ?? ''}`.trimEnd());
    });
  });
  jsonOption(
    roleOption(
      models
        .command('download')
        .description('download a model from the Hugging Face hub (HF_ENDPOINT, HF_TOKEN honoured; resumes partial files; offline it says what to copy where)')
        .argument('<repo>', 'owner/name')
        .option('--revision <rev>', 'branch, tag or commit (default: main)')
        .option('--dest <dir>', "target folder (default: the project's models/<name>, or ./<name> without a project)")
        .option('-p, --project <dir>', 'also validate and register it in this project'),
    ),
  ).action(download);
}
