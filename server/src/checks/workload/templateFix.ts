// The template change that makes a denied Pod (or Job, ReplicaSet) pass, where the engine can name
// it: the failing field is missing from the workload, and the part of the policy's pattern at that
// field is plain values (no wildcards, operators, anchors or variables). Then the fix writes that
// part into the template, at the field the engine named, and nothing else.
import type { Fix } from '../../findings.ts';
import type { Policy, Resource } from '../../model/types.ts';
import type { SimulationResult } from '../../engine/simulate.ts';
import type { IndexedDocument } from '../../workspace/document.ts';
import { asObj } from '../../k8s/objects.ts';
import { podTemplatePath } from '../../k8s/workloads.ts';
import { insertFields } from '../cronjob/yamlEdits.ts';

const FIELD = /failed at path (\/\S*?)(?::|\s|\)|$)/;
const PLAIN_KEY = /^[A-Za-z0-9_.\/-]+$/;
// Pattern syntax: wildcards, operators, alternatives, ranges, variables.
const PATTERN_SYNTAX = /[*?|&!<>=]|\{\{|\$\(|-$|^-/;

/** Plain values only: what the pattern asks is exactly what writing it gives. */
function literal(value: unknown): boolean {
  if (typeof value === 'boolean' || typeof value === 'number') return true;
  if (typeof value === 'string') return value !== '' && !PATTERN_SYNTAX.test(value);
  if (Array.isArray(value)) return value.length > 0 && value.every(literal);
  const obj = asObj(value);
  return obj !== undefined && Object.keys(obj).length > 0 && Object.entries(obj).every(([k, v]) => PLAIN_KEY.test(k) && literal(v));
}

function at(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((v, key) => (Array.isArray(v) ? v[key as number] : asObj(v)?.[String(key)]), value);
}

/** Where the object a controller creates keeps a field of the workload's own template. */
function workloadPath(kind: string, stage: string, segments: (string | number)[]): (string | number)[] {
  if (stage === 'Pod') return [...(podTemplatePath(kind) ?? []), ...segments];
  if (stage === 'Job' && kind === 'CronJob') return ['spec', 'jobTemplate', ...segments];
  return segments;
}

export function templateFix(text: string, document: IndexedDocument, workload: Resource, stage: string, result: SimulationResult, policies: readonly Policy[]): Fix | undefined {
  const denied = result.verdict.deniedBy!;
  const failed = result.validations.find((v) => v.policy === denied.policy && v.rule === denied.rule && v.status === 'fail');
  const field = failed && FIELD.exec(failed.reason)?.[1];
  const policy = policies.find((p) => p.name === denied.policy);
  if (!failed?.path || failed.path.at(-1) !== 'pattern' || !field || !policy) return undefined;
  const segments = field.split('/').filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  // Pattern lists hold one element that every element of the resource's list must match.
  let pattern: unknown = at(policy.raw, failed.path);
  for (const segment of segments) {
    if (typeof segment === 'number') pattern = Array.isArray(pattern) && pattern.length === 1 ? pattern[0] : undefined;
    else pattern = asObj(pattern)?.[segment];
    if (pattern === undefined) return undefined;
  }
  const path = workloadPath(workload.kind, stage, segments);
  const last = path.at(-1);
  if (typeof last !== 'string' || !literal(pattern) || at(workload.raw, path) !== undefined) return undefined;
  const edit = insertFields(workload.source.file, document.yaml.doc, text, path.slice(0, -1), { [last]: pattern });
  const rule = denied.rule.replace(/^autogen-(?:cronjob-)?/, '');
  return edit && { title: `Set ${path.join('.')} as ${denied.policy}/${rule} requires`, edits: [edit], isPreferred: true };
}
