import type { FileId } from '../findings.ts';
import type { Policy, Resource, Rule, SourceRef } from '../model/types.ts';
import { spanInDocument } from '../yaml/parse.ts';
import type { Span } from '../findings.ts';
import { indexText, releaseTrees, spanKey, type AnalyzeOptions, type IndexedFile, type IndexedDocument } from './document.ts';
import { defaultConfig, type AnalyzerConfig } from './config.ts';
import { TestDataRegistry } from './testData.ts';

export function analyzeOptions(config: AnalyzerConfig): AnalyzeOptions {
  return {
    maxFileSize: config.maxFileSize,
    maxDocuments: config.maxDocuments,
    maxAliasCount: config.maxAliasCount,
    maxNodes: config.maxNodes,
    maxCollectionItems: config.maxCollectionItems,
    maxParseMs: config.maxParseTime,
  };
}

export interface RuleEntry {
  policy: Policy;
  rule: Rule;
}

/**
 * A table kept per file and flattened per key on demand: setting a file touches only its own
 * entries, and a key's flat list is rebuilt only after one of its files changed. Walking every
 * file of a 10,000-file workspace costs ~25 ms in cache misses alone, so nothing here does.
 */
class PerFileTable<T> {
  private readonly byKey = new Map<string, Map<FileId, T[]>>();
  private readonly flat = new Map<string, T[]>();

  set(file: FileId, entries: Map<string, T[]> | undefined, previous: Map<string, T[]> | undefined): void {
    for (const key of previous?.keys() ?? []) {
      if (entries?.has(key)) continue; // set below, in place: the file keeps its position in the key's order
      this.byKey.get(key)?.delete(file);
      this.flat.delete(key);
    }
    for (const [key, list] of entries ?? []) {
      let files = this.byKey.get(key);
      if (!files) this.byKey.set(key, (files = new Map()));
      files.set(file, list);
      this.flat.delete(key);
    }
  }

  get(key: string): readonly T[] {
    let list = this.flat.get(key);
    if (!list) {
      list = [];
      for (const entries of this.byKey.get(key)?.values() ?? []) list.push(...entries);
      this.flat.set(key, list);
    }
    return list;
  }

  keys(): string[] {
    return [...this.byKey].filter(([, files]) => files.size > 0).map(([key]) => key);
  }
}

/** What one file adds to the workspace-wide tables, kept to take it out again when the file changes. */
interface FileContribution {
  rulesByKind?: Map<string, RuleEntry[]>;
  resourcesByKind?: Map<string, Resource[]>;
  policies: number;
}

function contributionOf(file: IndexedFile): FileContribution {
  // Most files add to one table only (a policy or a resource): the other map is not created.
  let rulesByKind: Map<string, RuleEntry[]> | undefined;
  let resourcesByKind: Map<string, Resource[]> | undefined;
  let policies = 0;
  for (const doc of file.documents) {
    if (doc.policy) {
      policies++;
      for (const rule of doc.policy.rules) {
        for (const kind of rule.match.kinds.length ? rule.match.kinds : ['*']) {
          rulesByKind ??= new Map();
          const list = rulesByKind.get(kind);
          if (list) list.push({ policy: doc.policy, rule });
          else rulesByKind.set(kind, [{ policy: doc.policy, rule }]);
        }
      }
    }
    if (doc.resource) {
      resourcesByKind ??= new Map();
      const list = resourcesByKind.get(doc.resource.kind);
      if (list) list.push(doc.resource);
      else resourcesByKind.set(doc.resource.kind, [doc.resource]);
    }
  }
  return { rulesByKind, resourcesByKind, policies };
}

/** Where one file's entries sit in the flat lists, and how many there are (documents, policies, resources). */
interface Segment {
  documents: number;
  policies: number;
  resources: number;
  counts: [number, number, number];
}

/** The flat lists of the whole workspace at one revision (fresh arrays per revision: callers may keep them). */
interface Derived {
  revision: number;
  layout: number;
  documents: IndexedDocument[];
  policies: Policy[];
  resources: Resource[];
  at: Map<FileId, Segment>;
}

/** How many file changes a consumer may fall behind before it must rebuild from scratch. */
const CHANGE_LOG_LIMIT = 4096;

/**
 * Every file of a workspace, parsed and modelled. Setting a file re-parses only that file and
 * updates only its entries in the by-kind tables; the flat lists of every policy, resource and
 * document are derived on demand (for the whole-workspace consumers) and cached per revision.
 * Incremental consumers (the conflict join, the per-document workspace checks) ask which files
 * changed since the revision they last saw.
 */
export class WorkspaceIndex {
  private readonly byFile = new Map<FileId, IndexedFile>();
  private readonly contributions = new Map<FileId, FileContribution>();
  private readonly rulesByKind = new PerFileTable<RuleEntry>();
  private readonly resourcesByKind = new PerFileTable<Resource>();
  private policyCount = 0;
  private derived: Derived | undefined;
  /** Counts additions and removals of files (not changes of a file in place). */
  private layout = 0;
  /** The file changed by each revision after `changeLogStart`. */
  private changeLog: FileId[] = [];
  private changeLogStart = 0;
  revision = 0;

  /** `testData`: what the workspace's tests name; the roles of files follow from it (testData.ts). */
  constructor(public config: AnalyzerConfig = defaultConfig, readonly testData = new TestDataRegistry()) {}


  /**
   * Returns the indexed file and whether anything changed (same content hash = no work). A test
   * definition changes the roles of the files it names or named: those already indexed are
   * indexed again, and `takeRoleChanges` hands them to whoever keeps their document findings.
   */
  setFile(file: FileId, text: string): { indexed: IndexedFile; changed: boolean } {
    const existing = this.byFile.get(file);
    if (existing && existing.text === text) return { indexed: existing, changed: false };
    const named = this.testData.setTest(file, text);
    const options = analyzeOptions(this.config);
    const indexed = indexText(file, text, options, this.testData.lookup(file), this.testData.takeParse(file, text, options));
    this.store(file, indexed);
    this.reindexNamed(named, file);
    return { indexed, changed: true };
  }

  private roleChanges: IndexedFile[] = [];

  /** Files indexed again because a test started or stopped naming them, since the last call. */
  takeRoleChanges(): IndexedFile[] {
    const taken = this.roleChanges;
    this.roleChanges = [];
    return taken;
  }

  private reindexNamed(named: { paths: string[]; patterns: ((file: string) => boolean)[] }, except?: FileId): void {
    const targets = new Set(named.paths);
    if (named.patterns.length) for (const f of this.byFile.keys()) if (named.patterns.some((m) => m(f))) targets.add(f);
    for (const target of targets) {
      const previous = target === except ? undefined : this.byFile.get(target);
      if (!previous || previous.role === 'skipped' || previous.role === 'helm-template') continue;
      const indexed = indexText(target, previous.text, analyzeOptions(this.config), this.testData.lookup(target));
      if (indexed.role === previous.role && sameNamings(indexed, previous)) continue;
      this.store(target, indexed);
      this.roleChanges.push(indexed);
    }
  }

  /**
   * Stores a file indexed elsewhere: a record for a file that could not be read (binary,
   * unreadable), or a file indexed on a worker thread.
   */
  setIndexed(indexed: IndexedFile): void {
    this.store(indexed.file, indexed);
  }

  removeFile(file: FileId): boolean {
    if (!this.byFile.has(file)) return false;
    this.store(file, undefined);
    this.reindexNamed(this.testData.setTest(file, undefined));
    return true;
  }

  private store(file: FileId, indexed: IndexedFile | undefined): void {
    const previous = this.contributions.get(file);
    const next = indexed ? contributionOf(indexed) : undefined;
    this.rulesByKind.set(file, next?.rulesByKind, previous?.rulesByKind);
    this.resourcesByKind.set(file, next?.resourcesByKind, previous?.resourcesByKind);
    this.policyCount += (next?.policies ?? 0) - (previous?.policies ?? 0);
    // A file added or removed changes the order of files (a re-added file goes last): the flat lists are built again.
    if (!indexed !== !this.byFile.has(file)) this.layout++;
    if (indexed && next) {
      this.byFile.set(file, indexed);
      this.contributions.set(file, next);
    } else {
      this.byFile.delete(file);
      this.contributions.delete(file);
    }
    this.revision++;
    this.changeLog.push(file);
    if (this.changeLog.length > CHANGE_LOG_LIMIT) {
      const drop = this.changeLog.length - CHANGE_LOG_LIMIT;
      this.changeLog = this.changeLog.slice(drop);
      this.changeLogStart += drop;
    }
  }

  /**
   * The files set or removed after `revision` (each once), or undefined when that is too far back
   * to tell: the caller then rebuilds from `files()`.
   */
  changedSince(revision: number): Set<FileId> | undefined {
    if (revision < this.changeLogStart || revision > this.revision) return undefined;
    return new Set(this.changeLog.slice(revision - this.changeLogStart));
  }

  /** Keeps the file's model and values but not its syntax trees (re-parsed when a position is asked for). */
  releaseTrees(file: FileId): void {
    const indexed = this.byFile.get(file);
    if (indexed) releaseTrees(indexed, analyzeOptions(this.config));
  }

  getFile(file: FileId): IndexedFile | undefined {
    return this.byFile.get(file);
  }

  files(): IndexedFile[] {
    return [...this.byFile.values()];
  }

  documents(): IndexedDocument[] {
    return this.ensureDerived().documents;
  }

  private ensureDerived(): Derived {
    if (this.derived?.revision === this.revision) return this.derived;
    this.derived = (this.derived && this.patchDerived(this.derived)) ?? this.buildDerived();
    return this.derived;
  }

  private buildDerived(): Derived {
    const documents: IndexedDocument[] = [];
    const policies: Policy[] = [];
    const resources: Resource[] = [];
    const at = new Map<FileId, Segment>();
    for (const file of this.byFile.values()) {
      const segment: Segment = { documents: documents.length, policies: policies.length, resources: resources.length, counts: [0, 0, 0] };
      for (const doc of file.documents) {
        documents.push(doc);
        if (doc.policy) policies.push(doc.policy);
        if (doc.resource) resources.push(doc.resource);
      }
      segment.counts = [documents.length - segment.documents, policies.length - segment.policies, resources.length - segment.resources];
      at.set(file.file, segment);
    }
    return { revision: this.revision, layout: this.layout, documents, policies, resources, at };
  }

  /**
   * Walking every file per revision costs tens of milliseconds on a large workspace (cache misses),
   * and the whole-workspace checks ask after every keystroke. An edit that keeps a file's numbers of
   * documents, policies and resources (typing does) is patched into copies of the lists at the
   * file's place; anything else (a file added, removed, or changing shape) builds them again.
   */
  private patchDerived(last: Derived): Derived | undefined {
    const changed = this.changedSince(last.revision);
    if (!changed || last.layout !== this.layout) return undefined;
    const next: Derived = { revision: this.revision, layout: this.layout, documents: last.documents.slice(), policies: last.policies.slice(), resources: last.resources.slice(), at: last.at };
    for (const file of changed) {
      const segment = last.at.get(file);
      const indexed = this.byFile.get(file);
      if (!segment || !indexed) return undefined;
      const policies = indexed.documents.filter((d) => d.policy);
      const resources = indexed.documents.filter((d) => d.resource);
      const [documentCount, policyCount, resourceCount] = segment.counts;
      if (indexed.documents.length !== documentCount || policies.length !== policyCount || resources.length !== resourceCount) return undefined;
      indexed.documents.forEach((d, i) => (next.documents[segment.documents + i] = d));
      policies.forEach((d, i) => (next.policies[segment.policies + i] = d.policy!));
      resources.forEach((d, i) => (next.resources[segment.resources + i] = d.resource!));
    }
    return next;
  }

  policies(): Policy[] {
    return this.ensureDerived().policies;
  }

  /** Kept up to date per file: the status line asks after every pass. */
  get policiesCount(): number {
    return this.policyCount;
  }

  resources(): Resource[] {
    return this.ensureDerived().resources;
  }

  resourcesOfKind(kind: string): readonly Resource[] {
    return this.resourcesByKind.get(kind);
  }

  /** Rules that can match a kind: those naming it and those matching any kind ('*'). */
  rulesForKind(kind: string): RuleEntry[] {
    return [...this.rulesByKind.get(kind), ...(kind === '*' ? [] : this.rulesByKind.get('*'))];
  }

  kindsWithRules(): string[] {
    return this.rulesByKind.keys();
  }

  /** The text span of a model reference (falls back to the document start when the path vanished). */
  spanOf(ref: SourceRef, target: 'key' | 'value' = 'value'): Span {
    const file = this.byFile.get(ref.file);
    const landmark = file?.spans?.get(spanKey(ref.docIndex, ref.path, target));
    if (landmark) return landmark;
    const doc = file?.yaml?.documents[ref.docIndex];
    return doc ? spanInDocument(file?.yaml, doc, ref.path, target) : { start: 0, end: 0 };
  }
}

function sameNamings(a: IndexedFile, b: IndexedFile): boolean {
  return JSON.stringify(a.testData ?? null) === JSON.stringify(b.testData ?? null);
}
