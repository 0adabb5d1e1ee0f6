// `kyverno-analyzer impact [paths…] [--resources PATH…] [--format text|json]`: for every validation
// of the policies under the paths, the workloads and resources it would deny if it enforced —
// those of the workspace, and those of `--resources` (files, folders, cluster exports, streamed).
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeWorkspaceInParallel } from '../analysis.ts';
import { ImpactAccumulator, isClusterObject, objectsOf, type ImpactObject, type PolicyImpact } from '../impact/impact.ts';
import { resourceFiles, streamObjects, type StreamOptions } from '../workspace/exportStream.ts';
import { confinementRoots } from '../workspace/safeRead.ts';
import { asObj, type Obj } from '../k8s/objects.ts';
import type { Resource } from '../model/types.ts';
import { classify } from '../model/classify.ts';
import { terminalText } from '../escape.ts';
import { UsageError, type CliIo } from './io.ts';
import { commandConfig, oneOf } from './options.ts';

const formats = ['text', 'json'] as const;
const failLevels = ['enforce', 'any', 'never'] as const;
/** Files larger than this report their progress on stderr. */
const PROGRESS_BYTES = 32 * 1024 * 1024;

export interface ImpactReport {
  version: 1;
  policies: {
    policy: string;
    kind: string;
    file: string;
    mode: 'Audit' | 'Enforce';
    evaluated: number;
    denied: { kind: string; namespace: string | null; name: string; file: string; message: string }[];
  }[];
}

/** `--resources a b c` takes every path up to the next option, as the usage line reads; the flag may also be repeated. */
function spreadResources(args: string[]): string[] {
  const out: string[] = [];
  let taking = false;
  let pending = false;
  for (const arg of args) {
    if (arg === '--resources') {
      if (pending) out.push('--resources');
      taking = pending = true;
    } else if (taking && !arg.startsWith('-')) {
      out.push('--resources', arg);
      pending = false;
    } else {
      // A flag with no path: parseArgs says so.
      if (pending) out.push('--resources');
      taking = pending = false;
      out.push(arg);
    }
  }
  if (pending) out.push('--resources');
  return out;
}

function parseArgsOrThrow(args: string[]) {
  try {
    return parseArgs({ args: spreadResources(args), allowPositionals: true, options: { format: { type: 'string' }, resources: { type: 'string', multiple: true }, config: { type: 'string' }, 'fail-on': { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function runImpactCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgsOrThrow(args);
  const format = oneOf('format', values.format, formats, 'text');
  const failOn = oneOf('fail-on', values['fail-on'], failLevels, 'enforce');
  const roots = positionals.length ? positionals : ['.'];
  for (const root of [...roots, ...(values.resources ?? [])]) if (!existsSync(resolve(io.cwd, root))) throw new UsageError(`${root}: no such file or directory`);
  const { configPath, config } = commandConfig(roots, values.config, io.cwd);
  const result = await analyzeWorkspaceInParallel({ roots: roots.map((r) => resolve(io.cwd, r)), workspaceRoot: configPath ? resolve(configPath, '..') : io.cwd, config, checks: [] });
  const index = result.index;
  if (!index) throw new UsageError('no files to analyse');
  // Test data is left out: a suite's resources are deliberately bad inputs, not workloads that run.
  // Name them with --resources to count them.
  const workspace = index.resources().filter((r) => index.getFile(r.source.file)?.role === 'workspace');

  const resourcePaths = (values.resources ?? []).map((p) => resolve(io.cwd, p));
  const problem = (file: string, message: string) => io.stderr(`kyverno-analyzer impact: ${terminalText(relative(io.cwd, file) || file)}: ${terminalText(message)}\n`);
  const files = resourceFiles(resourcePaths, problem);
  const stream: StreamOptions = {
    roots: resourcePaths.length ? confinementRoots(resourcePaths) : [],
    maxPieceChars: config.config.maxFileSize,
    progressBytes: PROGRESS_BYTES,
    onProgress: (file, read, size) => io.stderr(`kyverno-analyzer impact: reading ${terminalText(relative(io.cwd, file) || file)}: ${Math.round(read / 2 ** 20)}/${Math.round(size / 2 ** 20)} MiB\n`),
    onProblem: problem,
  };
  const readAll = function* (options: StreamOptions): Generator<{ file: string; object: Obj }> {
    for (const file of files) {
      try {
        for (const object of streamObjects(file, options)) yield { file, object };
      } catch (error) {
        problem(file, (error as Error).message);
      }
    }
  };

  // Namespaces first (their labels decide namespaceSelectors), in a pass that parses nothing else.
  const namespaces = new Map<string, Resource>(index.resourcesOfKind('Namespace').map((r) => [r.name, r] as const));
  for (const { file, object } of readAll({ ...stream, prefilter: /^\s*kind:\s*["']?Namespace["']?\s*$|"kind":\s*"Namespace"/m, onProblem: undefined, onProgress: undefined })) {
    const name = asObj(object.metadata)?.name;
    if (object.kind === 'Namespace' && typeof name === 'string') namespaces.set(name, resourceOf(object, file));
  }
  const accumulator = new ImpactAccumulator(index.policies(), { namespaces, streamed: true });
  for (const object of objectsOf(workspace)) accumulator.add(object);
  for (const { file, object } of readAll(stream)) {
    if (!isClusterObject(classify(object), String(object.kind))) continue;
    const metadata = asObj(object.metadata) ?? {};
    const item: ImpactObject = { kind: String(object.kind), name: String(metadata.name ?? ''), namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined, file, raw: object };
    accumulator.add(item);
  }
  const impacts = accumulator.result();
  const report = toImpactReport(impacts, io.cwd);
  io.stdout(format === 'json' ? JSON.stringify(report, null, 2) + '\n' : toImpactText(report));
  if (failOn === 'never') return 0;
  return report.policies.some((p) => p.denied.length > 0 && (failOn === 'any' || p.mode === 'Enforce')) ? 1 : 0;
}

function resourceOf(object: Obj, file: string): Resource {
  const metadata = asObj(object.metadata) ?? {};
  return { cls: classify(object)!, kind: String(object.kind), apiVersion: String(object.apiVersion ?? 'v1'), name: String(metadata.name), source: { file, docIndex: 0, path: [] }, raw: object };
}

const rel = (cwd: string, file: string) => (file.includes('://') ? file : relative(cwd, file) || file);

/** The JSON contract, version 1 (schemas/impact-output.schema.json). */
export function toImpactReport(impacts: readonly PolicyImpact[], cwd: string): ImpactReport {
  return {
    version: 1,
    policies: impacts.map(({ policy, mode, evaluated, denied }) => ({
      policy: policy.name,
      kind: policy.kind,
      file: rel(cwd, policy.source.file),
      mode,
      evaluated,
      denied: denied.map((d) => ({
        kind: d.object.kind,
        namespace: d.object.namespace ?? null,
        name: d.object.name,
        file: rel(cwd, d.object.file),
        message: d.via ? `the ${d.via} its controller creates: ${d.message}` : d.message,
      })),
    })),
  };
}

export function toImpactText(report: ImpactReport): string {
  const lines: string[] = [];
  for (const p of report.policies) {
    const verb = p.mode === 'Enforce' ? 'denies' : 'Enforce would deny';
    lines.push(`${terminalText(p.policy)} (${p.kind}, ${p.mode}) ${terminalText(p.file)}: ${verb} ${p.denied.length} of ${p.evaluated}`);
    for (const d of p.denied) lines.push(`  ${d.kind} ${terminalText(d.namespace ? `${d.namespace}/${d.name}` : d.name)} (${terminalText(d.file)}): ${terminalText(d.message)}`);
  }
  const denying = report.policies.filter((p) => p.denied.length).length;
  lines.push(`${report.policies.length} validating ${report.policies.length === 1 ? 'policy' : 'policies'}, ${denying} would deny something`);
  return lines.join('\n') + '\n';
}
