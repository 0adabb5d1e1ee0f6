import type { Check, WorkspaceCheckContext } from '../types.ts';
import type { Fix } from '../../findings.ts';
import type { IndexedDocument } from '../../workspace/document.ts';
import type { WorkspaceIndex } from '../../workspace/index.ts';
import { POD_SPEC, asArray, asObj } from './common.ts';
import { replaceScalar } from './yamlEdits.ts';

export interface ImageRef {
  /** Repository as written (`nginx`, `ghcr.io/org/app`). */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference into repository, tag and digest (the tag is after the last `:` past the last `/`). */
export function parseImage(image: string): ImageRef {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  if (colon > slash) return { repository: name.slice(0, colon), tag: name.slice(colon + 1), digest };
  return { repository: name, digest };
}

/** `nginx`, `library/nginx`, `docker.io/library/nginx` are the same repository. */
export function canonicalRepository(repository: string): string {
  let r = repository.replace(/^(?:index\.)?docker\.io\//, '');
  if (!r.includes('/')) r = `library/${r}`;
  return r;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/i;

/** Every `repo:tag@digest` written anywhere in the workspace, by canonical `repo:tag`. */
export function digestsInWorkspace(documents: IndexedDocument[]): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('@') || /\s/.test(value)) return;
      const ref = parseImage(value);
      if (ref.tag && ref.digest && DIGEST.test(ref.digest)) found.set(`${canonicalRepository(ref.repository)}:${ref.tag}`, ref.digest);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  for (const d of documents) visit(d.yaml.value);
  return found;
}

const isCronJob = (document: IndexedDocument): boolean => document.cls?.family === 'resource' && document.cls.kind === 'CronJob' && document.cls.group === 'batch';

const digestsByDocument = new WeakMap<IndexedDocument, ReadonlyMap<string, string>>();
function digestsOf(document: IndexedDocument): ReadonlyMap<string, string> {
  // Only documents with digests are remembered: the walk of one without is cheap and rarely repeated.
  const known = digestsByDocument.get(document);
  if (known) return known;
  const found = digestsInWorkspace([document]);
  if (found.size) digestsByDocument.set(document, found);
  return found;
}

// Gathered only when a CronJob is checked, once per index revision, from the per-document sets.
const digestsByIndex = new WeakMap<WorkspaceIndex, { revision: number; digests: Map<string, string> }>();
function workspaceDigests(index: WorkspaceIndex): Map<string, string> {
  const hit = digestsByIndex.get(index);
  if (hit?.revision === index.revision) return hit.digests;
  const digests = new Map<string, string>();
  for (const document of index.documents()) for (const [k, v] of digestsOf(document)) digests.set(k, v);
  digestsByIndex.set(index, { revision: index.revision, digests });
  return digests;
}

/**
 * A CronJob image that can change under the schedule: no digest, `:latest` or no tag, and worse with
 * `imagePullPolicy: Always`. A moved tag or a rotated pull secret turns into ImagePullBackOff at
 * 3 a.m., and for a CronJob nobody is watching.
 */
export const mutableImageCheck: Check = {
  id: 'cronjob/mutable-image',
  title: 'CronJob image not pinned by digest',
  severity: 'warning',
  checkInWorkspace: {
    // A fix pins to a digest written elsewhere in the workspace: CronJobs read every document's digests.
    reads: (document) => (isCronJob(document) ? ['digests'] : []),
    contributes: (document) => (digestsOf(document).size ? ['digests'] : []),
    check(ctx, _file, document) {
      if (isCronJob(document)) checkCronJob(ctx, document, workspaceDigests(ctx.index));
    },
  },
};

function checkCronJob(ctx: WorkspaceCheckContext, document: IndexedDocument, digests: Map<string, string>): void {
  const podSpec = asObj(asObj(asObj(asObj(asObj(asObj(document.yaml.value)?.spec)?.jobTemplate)?.spec)?.template)?.spec);
  if (!podSpec) return;
  for (const list of ['initContainers', 'containers'] as const) {
    asArray(podSpec[list]).forEach((raw, index) => {
      const container = asObj(raw);
      const image = container?.image;
      if (typeof image !== 'string' || image.includes('{{')) return;
      const ref = parseImage(image);
      if (ref.digest) return;
      const path = [...POD_SPEC, list, index, 'image'];
      const always = container?.imagePullPolicy === 'Always';
      const latest = !ref.tag || ref.tag === 'latest';
      const what = latest
        ? `${ref.tag ? 'uses :latest' : 'has no tag (which means :latest)'}`
        : `uses the tag :${ref.tag} without a digest`;
      const pull = always ? ' With imagePullPolicy: Always every run pulls again, so a rotated pull secret or a registry outage fails the run.' : '';
      const digest = ref.tag && !latest ? digests.get(`${canonicalRepository(ref.repository)}:${ref.tag}`) : undefined;
      const fixes: Fix[] = [];
      if (digest) {
        const edit = replaceScalar(document.file, document.yaml.doc, path, `${ref.repository}:${ref.tag}@${digest}`);
        if (edit) fixes.push({ title: `Pin ${ref.repository}:${ref.tag} to ${digest.slice(0, 19)}… (the digest used elsewhere in the workspace)`, edits: [edit], isPreferred: true });
      }
      ctx.report(
        { file: document.file, span: ctx.spanOf({ file: document.file, docIndex: document.index, path }, 'value') },
        `The image ${image} ${what}: what runs on the next schedule can change without any change here, and a moved tag or a rotated pull secret becomes an ImagePullBackOff nobody watches.${pull} Pin it by digest (image:tag@sha256:…).`,
        { fixes },
      );
    });
  }
}
