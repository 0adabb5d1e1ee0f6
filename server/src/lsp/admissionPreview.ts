// The custom request `kyverno/admissionPreview`: the admission pipeline of the resource under the
// cursor (or of a witness of a kind) through every policy of the workspace that can match it, as
// plain data and as Markdown with links to the rules. The simulation is engine/preview.ts.
import { ErrorCodes, ResponseError } from 'vscode-languageserver';
import type { FileId } from '../findings.ts';
import type { Policy } from '../model/types.ts';
import type { WorkspaceIndex } from '../workspace/index.ts';
import type { LineIndex } from '../yaml/lineIndex.ts';
import { admissionPreview, previewMarkdown, type PreviewStep } from '../engine/preview.ts';
import { witnessFor } from '../engine/witness.ts';
import { configMapsNamedBy } from '../conflicts/configMaps.ts';
import { documentAt } from '../ide/hover.ts';
import { defaultUriOf, fileIdOf } from './convert.ts';
import { ADMISSION_PREVIEW_REQUEST, type AdmissionPreviewParams, type AdmissionPreviewResult } from './protocol.ts';

export interface PreviewHost {
  index: WorkspaceIndex;
  uriOf?: (file: FileId) => string;
  linesOf?: (file: FileId) => LineIndex | undefined;
}

/** Policies with a rule that can match `kind` (by kind name or any kind), in workspace order. */
function candidatePolicies(index: WorkspaceIndex, kind: string): Policy[] {
  const wanted = new Set(index.rulesForKind(kind).map((r) => r.policy));
  return index.policies().filter((p) => wanted.has(p));
}

export function admissionPreviewResult(params: AdmissionPreviewParams, host: PreviewHost): AdmissionPreviewResult {
  const { index } = host;
  const uriOf = host.uriOf ?? defaultUriOf;
  const linesOf = host.linesOf ?? ((f: FileId) => index.getFile(f)?.lines);
  let resource: Record<string, unknown>;
  let source: string;
  if ('kind' in params) {
    if (!params.kind) throw new ResponseError(ErrorCodes.InvalidParams, 'kyverno/admissionPreview needs a uri or a kind');
    resource = witnessFor(params.kind);
    source = `a minimal ${params.kind}`;
  } else {
    const file = index.getFile(fileIdOf(params.uri));
    if (!file) throw new ResponseError(ErrorCodes.InvalidParams, `${params.uri} is not in the workspace index`);
    const offset = params.position ? file.lines.offsetAt(params.position) : 0;
    const document = documentAt(file, offset) ?? file.documents.find((d) => d.resource);
    if (document?.resource) {
      resource = structuredClone(document.resource.raw);
      source = `${file.file.split(/[\\/]/).at(-1)}`;
    } else if (document?.policy) {
      // In a policy: preview its first kind on a witness, so the policy's own pipeline shows.
      const kind = document.policy.rules.flatMap((r) => r.match.kinds).find((k) => k !== '*');
      if (!kind) throw new ResponseError(ErrorCodes.InvalidParams, 'This policy names no kind to preview: put the cursor in a resource.');
      resource = witnessFor(kind);
      const labels = selectorLabels(document.policy.raw);
      if (Object.keys(labels).length) {
        const metadata = resource.metadata as Record<string, unknown>;
        metadata.labels = { ...(metadata.labels as Record<string, string>), ...labels };
      }
      source = `a minimal ${kind}`;
    } else {
      throw new ResponseError(ErrorCodes.InvalidParams, 'No Kubernetes resource here: put the cursor in a resource document (a Pod, a Deployment, …).');
    }
  }
  const policies = candidatePolicies(index, String(resource.kind ?? ''));
  // ConfigMaps the policies read (context entries, apiCalls) come from the workspace, never guessed.
  const clusterResources = configMapsNamedBy(policies.map((p) => p.raw), index.resourcesOfKind('ConfigMap'));
  const preview = admissionPreview(resource, policies.map((p) => ({ doc: p.raw })), { operation: 'CREATE', clusterResources });
  const linkOf = (step: PreviewStep): string | undefined => {
    const policy = policies[step.policyIndex];
    if (!policy) return undefined;
    const ref = { ...policy.source, path: step.path ?? ['metadata', 'name'] };
    const lines = linesOf(ref.file);
    if (!lines) return undefined;
    return `${uriOf(ref.file)}#L${lines.positionAt(index.spanOf(ref).start).line + 1}`;
  };
  return { source, preview, markdown: previewMarkdown(preview, { linkOf, source }) };
}

/** The `matchLabels` a policy selects objects by (CEL objectSelector, legacy resources.selector), so its witness matches. */
function selectorLabels(policy: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (selector: unknown) => {
    const labels = (selector as { matchLabels?: unknown } | undefined)?.matchLabels;
    if (labels && typeof labels === 'object') for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  };
  const spec = (policy.spec ?? {}) as Record<string, any>;
  add(spec.matchConstraints?.objectSelector);
  const first = Array.isArray(spec.rules) ? spec.rules[0] : undefined;
  const blocks = [first?.match?.resources, ...(Array.isArray(first?.match?.any) ? first.match.any : []).map((b: any) => b?.resources), ...(Array.isArray(first?.match?.all) ? first.match.all : []).map((b: any) => b?.resources)];
  for (const resources of blocks) if (resources) add(resources.selector);
  return out;
}
