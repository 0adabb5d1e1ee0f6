// `kyverno-analyzer graph [paths…] --format mermaid|dot`: the policy interaction map of a set of
// files, for a pull request description or a design review.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { analyzeWorkspaceInParallel, findConfigFile, loadConfig } from '../analysis.ts';
import { conflictGraph, type ConflictGraph } from '../conflicts/graph.ts';
import { workspaceConflicts } from '../checks/conflicts.ts';
import { UsageError, type CliIo } from './io.ts';
import { dotLabel, mermaidLabel } from '../escape.ts';

const formats = ['mermaid', 'dot'] as const;

export async function runGraphCommand(args: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' }, config: { type: 'string' } } });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'mermaid';
  if (!(formats as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${formats.join(', ')} (got ${format})`);
  const roots = positionals.length ? positionals : ['.'];
  for (const root of roots) if (!existsSync(resolve(io.cwd, root))) throw new UsageError(`${root}: no such file or directory`);
  const configPath = values.config ? resolve(io.cwd, values.config) : findConfigFile(roots, io.cwd, existsSync);
  let config;
  try {
    config = loadConfig(configPath);
  } catch (error) {
    throw new UsageError(`${configPath}: cannot read config (${(error as Error).message})`);
  }
  const result = await analyzeWorkspaceInParallel({
    roots: roots.map((r) => resolve(io.cwd, r)),
    workspaceRoot: configPath ? resolve(configPath, '..') : io.cwd,
    config,
    checks: [],
  });
  if (!result.index) throw new UsageError('no files to analyse');
  const graph = conflictGraph(result.index, workspaceConflicts(result.index));
  io.stdout(format === 'dot' ? toDot(graph) : toMermaid(graph));
  return 0;
}

const edgeLabel = (kind: string) => kind.replace(/^conflict\//, '');

export function toMermaid(graph: ConflictGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const policy of graph.nodes.filter((n) => n.type === 'policy')) {
    lines.push(`  subgraph ${ids.get(policy.id)}["${mermaidLabel(policy.label)}"]`);
    for (const rule of graph.nodes.filter((n) => n.type === 'rule' && n.parent === policy.id)) lines.push(`    ${ids.get(rule.id)}["${mermaidLabel(rule.label)}"]`);
    lines.push('  end');
  }
  for (const e of graph.edges) {
    const field = graph.nodes.find((n) => n.id === e.field)?.label ?? '';
    const [open, close] = e.severity === 'error' ? ['==', '==='] : ['--', '---'];
    lines.push(`  ${ids.get(e.from)} ${open} "${mermaidLabel(`${edgeLabel(e.kind)}: ${field}`)}" ${close} ${ids.get(e.to)}`);
  }
  if (graph.edges.length === 0) lines.push('  empty["no conflicts between policies"]');
  return lines.join('\n') + '\n';
}

export function toDot(graph: ConflictGraph): string {
  const ids = new Map(graph.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['graph kyverno_conflicts {', '  rankdir=LR;', '  node [shape=box];'];
  graph.nodes.filter((n) => n.type === 'policy').forEach((policy, i) => {
    lines.push(`  subgraph cluster_${i} {`, `    label=${dotLabel(policy.label)};`);
    for (const rule of graph.nodes.filter((n) => n.type === 'rule' && n.parent === policy.id)) lines.push(`    ${ids.get(rule.id)} [label=${dotLabel(rule.label)}];`);
    lines.push('  }');
  });
  for (const e of graph.edges) {
    const field = graph.nodes.find((n) => n.id === e.field)?.label ?? '';
    lines.push(`  ${ids.get(e.from)} -- ${ids.get(e.to)} [label=${dotLabel(`${edgeLabel(e.kind)}: ${field}`)}${e.severity === 'error' ? ', color=red, penwidth=2' : ', color=orange'}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
