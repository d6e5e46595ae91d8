import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ONNX_DTYPES, type OnnxDtype } from '../../main/models/dtype-variants';
import type { HubDtype } from '../../main/models/hub';
import type { ModelRow, ModelValidation } from '../../shared/api/routes/models';
import { choice, jsonOption, projectDir, projectOption } from '../options';
import { CliError, EXIT, note, printResult, progressLine } from '../output';
import { withStudio } from '../studio-call';
import { loadModels } from '../lazy';
import { textTable } from '../table';

const ROLES = ['clip', 'classifier', 'inpainting', 'vlm'] as const;
const roleOption = (cmd: Command) => cmd.requiredOption('--role <role>', ROLES.join(' | '), choice(ROLES));

const isDtype = (v: string): v is OnnxDtype => (ONNX_DTYPES as readonly string[]).includes(v);

/** `--dtype q4`, or per transformers.js session: `--dtype decoder_model_merged=q4,embed_tokens=q4`. */
export function dtypeArg(v: string): HubDtype {
  const spec = v.trim();
  if (isDtype(spec)) return spec;
  const perSession: Record<string, OnnxDtype> = {};
  for (const part of spec.split(',')) {
    const [name, dtype, extra] = part.split('=').map((x) => x.trim());
    if (!name || dtype === undefined || extra !== undefined) throw new InvalidArgumentError(`'${part}' is neither a dtype (${ONNX_DTYPES.join(', ')}) nor <session>=<dtype>`);
    if (!isDtype(dtype)) throw new InvalidArgumentError(`'${dtype}' (for ${name}) is not one of ${ONNX_DTYPES.join(', ')}`);
    perSession[name] = dtype;
  }
  return perSession;
}

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

async function download(repo: string, o: { role: (typeof ROLES)[number]; revision?: string; dtype?: HubDtype; dest?: string; project?: string; json?: boolean }): Promise<void> {
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
      ...(o.dtype ? { dtype: o.dtype } : {}),
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
        .option('--dtype <dtype>', `which precision of each ONNX file: ${ONNX_DTYPES.join(' | ')}, or per session, e.g. decoder_model_merged=q4,embed_tokens=q4 (default: fp32 where listed, else the repository's best)`, dtypeArg)
        .option('--dest <dir>', "target folder (default: the project's models/<name>, or ./<name> without a project)")
        .option('-p, --project <dir>', 'also validate and register it in this project'),
    ),
  ).action(download);
}
