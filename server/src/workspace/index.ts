import type { FileId } from '../findings.ts';
import type { Policy, Resource, Rule, SourceRef } from '../model/types.ts';
import { spanOf } from '../yaml/paths.ts';
import type { Span } from '../findings.ts';
import { indexText, type AnalyzeOptions, type IndexedFile, type IndexedDocument } from './document.ts';
import { defaultConfig, type AnalyzerConfig } from './config.ts';

export function analyzeOptions(config: AnalyzerConfig): AnalyzeOptions {
  return { maxFileSize: config.maxFileSize, maxDocuments: config.maxDocuments, maxAliasCount: config.maxAliasCount };
}

/**
 * Every file of a workspace, parsed and modelled. Setting a file re-parses only that file; the
 * aggregates (policies, resources, rules by kind) are derived on demand and cached per revision.
 */
export class WorkspaceIndex {
  private readonly byFile = new Map<FileId, IndexedFile>();
  private derived: { revision: number; documents: IndexedDocument[]; policies: Policy[]; resources: Resource[]; rulesByKind: Map<string, { policy: Policy; rule: Rule }[]> } | undefined;
  revision = 0;

  constructor(public config: AnalyzerConfig = defaultConfig) {}

  /** Returns the indexed file and whether anything changed (same content hash = no work). */
  setFile(file: FileId, text: string): { indexed: IndexedFile; changed: boolean } {
    const existing = this.byFile.get(file);
    if (existing && existing.text === text) return { indexed: existing, changed: false };
    const indexed = indexText(file, text, analyzeOptions(this.config));
    this.byFile.set(file, indexed);
    this.revision++;
    return { indexed, changed: true };
  }

  /** For files that could not be read (binary, unreadable): keep a record with its problem. */
  setProblemFile(indexed: IndexedFile): void {
    this.byFile.set(indexed.file, indexed);
    this.revision++;
  }

  removeFile(file: FileId): boolean {
    const removed = this.byFile.delete(file);
    if (removed) this.revision++;
    return removed;
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

  private ensureDerived() {
    if (this.derived?.revision === this.revision) return this.derived;
    const documents: IndexedDocument[] = [];
    const policies: Policy[] = [];
    const resources: Resource[] = [];
    const rulesByKind = new Map<string, { policy: Policy; rule: Rule }[]>();
    for (const file of this.byFile.values()) {
      for (const doc of file.documents) {
        documents.push(doc);
        if (doc.policy) {
          policies.push(doc.policy);
          for (const rule of doc.policy.rules) {
            for (const kind of rule.match.kinds.length ? rule.match.kinds : ['*']) {
              const list = rulesByKind.get(kind) ?? [];
              list.push({ policy: doc.policy, rule });
              rulesByKind.set(kind, list);
            }
          }
        }
        if (doc.resource) resources.push(doc.resource);
      }
    }
    this.derived = { revision: this.revision, documents, policies, resources, rulesByKind };
    return this.derived;
  }

  policies(): Policy[] {
    return this.ensureDerived().policies;
  }

  resources(): Resource[] {
    return this.ensureDerived().resources;
  }

  /** Rules that can match a kind: those naming it and those matching any kind ('*'). */
  rulesForKind(kind: string): { policy: Policy; rule: Rule }[] {
    const byKind = this.ensureDerived().rulesByKind;
    return [...(byKind.get(kind) ?? []), ...(kind === '*' ? [] : byKind.get('*') ?? [])];
  }

  kindsWithRules(): string[] {
    return [...this.ensureDerived().rulesByKind.keys()];
  }

  /** The text span of a model reference (falls back to the document start when the path vanished). */
  spanOf(ref: SourceRef, target: 'key' | 'value' = 'value'): Span {
    const doc = this.byFile.get(ref.file)?.yaml?.documents[ref.docIndex];
    return doc ? spanOf(doc.doc, ref.path, target) : { start: 0, end: 0 };
  }
}
