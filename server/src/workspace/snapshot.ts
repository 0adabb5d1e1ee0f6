// An indexed file as plain data, to cross a thread boundary (structured clone): the values, the
// model and the spans, not the syntax trees (the receiving side re-parses the text if it ever
// needs a position the snapshot did not keep). One message carries a whole file, so the model's
// references into the document values (`policy.raw`) stay the same objects on arrival.
import type { Finding, Span } from '../findings.ts';
import { UNKNOWN, type DocClass, type Policy, type Resource } from '../model/types.ts';
import type { YamlDocument, YamlFile, YamlProblem } from '../yaml/parse.ts';
import { releaseTrees, withLazyLines, type FileRole, type IndexedDocument, type IndexedFile } from './document.ts';
import type { ParseLimits } from '../yaml/parse.ts';
import type { TestDataInfo } from './testData.ts';

export interface FileSnapshot {
  file: string;
  role: FileRole;
  problems: Finding[];
  spans?: Map<string, Span>;
  testData?: TestDataInfo;
  parsed: boolean;
  /** The line reader vouched for the text: positions are read from its lines on this side too. */
  readByLines: boolean;
  streamErrors: YamlProblem[];
  documents: { index: number; value: unknown; span: Span; errors: YamlProblem[]; cls?: DocClass; policy?: Policy; resource?: Resource }[];
}

// Structured clone refuses symbols: the model's UNKNOWN (a write whose value is computed) crosses
// as this string and is turned back on arrival. It is only ever a whole write value.
const UNKNOWN_ON_THE_WIRE = '\u0000kyverno-analyzer:unknown';

function replaceUnknown(documents: readonly { policy?: Policy }[], from: unknown, to: unknown): void {
  for (const d of documents) for (const rule of d.policy?.rules ?? []) for (const w of rule.effect.writes) if (w.value === from) w.value = to;
}

/** Plain data for postMessage. The file's model is changed in place: the sender must be done with it. */
export function toSnapshot(indexed: IndexedFile): FileSnapshot {
  replaceUnknown(indexed.documents, UNKNOWN, UNKNOWN_ON_THE_WIRE);
  return {
    file: indexed.file,
    role: indexed.role,
    problems: indexed.problems,
    spans: indexed.spans,
    testData: indexed.testData,
    parsed: indexed.yaml !== undefined,
    readByLines: indexed.yaml?.readByLines === true,
    streamErrors: indexed.yaml?.errors ?? [],
    documents: indexed.documents.map((d) => ({ index: d.index, value: d.yaml.value, span: d.yaml.span, errors: d.yaml.errors, cls: d.cls, policy: d.policy, resource: d.resource })),
  };
}

export function fromSnapshot(snapshot: FileSnapshot, text: string, limits: ParseLimits): IndexedFile {
  replaceUnknown(snapshot.documents, UNKNOWN_ON_THE_WIRE, UNKNOWN);
  const yamlDocuments: YamlDocument[] = snapshot.documents.map((d) => ({ index: d.index, value: d.value, span: d.span, errors: d.errors }) as YamlDocument);
  const yaml: YamlFile | undefined = snapshot.parsed ? { text, documents: yamlDocuments, errors: snapshot.streamErrors, ...(snapshot.readByLines ? { readByLines: true } : {}) } : undefined;
  const documents: IndexedDocument[] = snapshot.documents.map((d, i) => {
    const document: IndexedDocument = { file: snapshot.file, index: d.index, yaml: yamlDocuments[i] };
    if (d.cls) document.cls = d.cls;
    if (d.policy) document.policy = d.policy;
    if (d.resource) document.resource = d.resource;
    return document;
  });
  const indexed = withLazyLines({ file: snapshot.file, text, role: snapshot.role, yaml, documents, problems: snapshot.problems, spans: snapshot.spans, ...(snapshot.testData ? { testData: snapshot.testData } : {}) });
  // The trees stayed behind: a position the spans do not hold is found by parsing the text again.
  releaseTrees(indexed, limits);
  return indexed;
}
