import { createHash } from 'node:crypto';
import type { FileId, Finding, Span } from '../findings.ts';
import { parseYaml, releaseYamlTrees, spanInDocument, type ParseLimits, type YamlDocument, type YamlFile } from '../yaml/parse.ts';
import { LineIndex } from '../yaml/lineIndex.ts';
import { classify, isPolicyClass } from '../model/classify.ts';
import { normalize } from '../model/normalize.ts';
import type { DocClass, Policy, Resource } from '../model/types.ts';
import { inTestFolder, testDataRole, type TestDataInfo } from './testData.ts';
import { asObj } from '../k8s/objects.ts';
import { podTemplateOf, podTemplatePath } from '../k8s/workloads.ts';

/**
 * How a file's documents take part in the analysis. `test-data`: inputs and expectations of tests
 * (workspace/testData.ts); its resources are modelled (realistic objects to simulate on) but
 * checks of manifests stay quiet, and its policy documents are variants, not workspace policies.
 * `test-assertion`: Chainsaw assert/error files, partial by design: not modelled, not checked.
 */
export type FileRole = 'workspace' | 'test-data' | 'test-assertion' | 'helm-template' | 'skipped';

export interface IndexedDocument {
  file: FileId;
  index: number;
  yaml: YamlDocument;
  cls?: DocClass;
  policy?: Policy;
  resource?: Resource;
}

export interface IndexedFile {
  file: FileId;
  text: string;
  role: FileRole;
  lines: LineIndex;
  yaml?: YamlFile;
  documents: IndexedDocument[];
  /** Problems of the file itself: YAML syntax, limits, skipped templates. */
  problems: Finding[];
  /** Spans of the places symbols, code lenses and cross-file findings point at, kept when the trees are released. */
  spans?: Map<string, Span>;
  /** Why the file is test data (or an assertion): the tests naming it, its location. */
  testData?: TestDataInfo;
}

export const spanKey = (docIndex: number, path: readonly (string | number)[], target: 'key' | 'value'): string => `${docIndex}\u0000${target}\u0000${path.join('\u0000')}`;

/** The places asked for across the workspace (policy and rule, their names, a resource's name), while the trees are at hand. */
function landmarkSpans(yaml: YamlFile, documents: IndexedDocument[], treesOnDemand: boolean): Map<string, Span> {
  const spans = new Map<string, Span>();
  const keep = (doc: IndexedDocument, path: (string | number)[]) => spans.set(spanKey(doc.index, path, 'value'), spanInDocument(yaml, doc.yaml, path, 'value'));
  for (const doc of documents) {
    if (doc.policy) {
      keep(doc, doc.policy.source.path);
      keep(doc, [...doc.policy.source.path, 'metadata', 'name']);
      keep(doc, [...doc.policy.source.path, 'kind']);
      for (const rule of doc.policy.rules) {
        keep(doc, rule.source.path);
        keep(doc, [...rule.source.path, 'name']);
      }
    }
    // Not worth building the trees of a file of plain resources for: few findings point at them.
    if (doc.resource && !treesOnDemand) keep(doc, [...doc.resource.source.path, 'metadata', 'name']);
    // The cross-file CronJob checks (mutable-image, blocked-by-policy) point at these, and a
    // repository of test resources holds thousands of CronJobs.
    if (doc.resource?.kind === 'CronJob') {
      const templatePath = podTemplatePath('CronJob')!;
      for (const path of [templatePath.slice(0, 2), templatePath]) spans.set(spanKey(doc.index, path, 'key'), spanInDocument(yaml, doc.yaml, path, 'key'));
      const podSpec = asObj(podTemplateOf(doc.yaml.value, 'CronJob')?.spec);
      for (const list of ['initContainers', 'containers']) {
        const containers = podSpec?.[list];
        if (Array.isArray(containers)) containers.forEach((_, i) => keep(doc, [...templatePath, 'spec', list, i, 'image']));
      }
    }
  }
  return spans;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Documents whose trees are read while the file is indexed: policies and exceptions (CEL positions,
 * landmark spans) and CronJobs (their checks report on most of them). A file of other resources,
 * or of `kyverno test` inputs, keeps only values; a finding on it builds the trees then.
 */
function treesReadWhileIndexing(cls: DocClass | undefined): boolean {
  return cls !== undefined && (cls.family === 'kyverno-legacy' || cls.family === 'kyverno-cel' || cls.family === 'k8s-admission' || cls.kind === 'CronJob');
}

// Helm/Go templates reference `.Values`, `$var` or use control words; Kyverno's JMESPath
// variables never start with those, so `{{ request.object… }}` is not mistaken for a template.
const HELM_TEMPLATE = /\{\{-?\s*(?:\.|\$|(?:if|else|end|range|with|include|template|define|toYaml|tpl|printf|quote|default|required|nindent|indent|trim|lookup)\b|\/\*)/;

export interface AnalyzeOptions extends ParseLimits {
  maxFileSize: number;
}

/**
 * `testData`: what the workspace's tests and configuration say about this file (testData.ts).
 * `parsed`: `parseYaml(text, options, () => false)`, done already (the test-data scan reads test
 * definitions so), reused unless the file's trees are wanted now.
 */
export function indexText(file: FileId, text: string, options: AnalyzeOptions, testData?: TestDataInfo, parsed?: YamlFile): IndexedFile {
  return withLazyLines(indexTextWithoutLines(file, text, options, testData, parsed));
}

/** Most files are never asked for a position (no finding, not open): the line table is built on first use. */
export function withLazyLines(file: Omit<IndexedFile, 'lines'>): IndexedFile {
  let lines: LineIndex | undefined;
  return Object.defineProperty(file, 'lines', { get: () => (lines ??= new LineIndex(file.text)), enumerable: true }) as IndexedFile;
}

const holdsPolicy = (classes: readonly (DocClass | undefined)[]) => classes.some((c) => c !== undefined && isPolicyClass(c));
const definesTest = (classes: readonly (DocClass | undefined)[]) => classes.some((c) => c?.kind === 'Test' && (c.group === 'cli.kyverno.io' || c.group === 'chainsaw.kyverno.io'));

function indexTextWithoutLines(file: FileId, text: string, options: AnalyzeOptions, testData: TestDataInfo = { byLocation: inTestFolder(file), namedBy: [] }, parsed?: YamlFile): Omit<IndexedFile, 'lines'> {
  const base = { file, text, documents: [] as IndexedDocument[] };
  if (text.length > options.maxFileSize) {
    return { ...base, role: 'skipped', problems: [fileProblem(file, 'limits/file-size', 'warning', `File is ${text.length} characters, over the limit of ${options.maxFileSize} (maxFileSize); it is not analysed.`)] };
  }
  if (HELM_TEMPLATE.test(text)) {
    return { ...base, role: 'helm-template', problems: [fileProblem(file, 'yaml/helm-template', 'info', 'This file is a Helm/Go template ({{ … }} outside Kyverno variables); it is skipped. Render it with `helm template` to analyse the result.')] };
  }
  // `yaml` skips a leading BOM itself; positions stay exact because the text is parsed as is.
  // Classified once: the decision on trees, the role and the model below read the same classes.
  let classes: (DocClass | undefined)[] | undefined;
  let role: FileRole | undefined;
  // Test data holding CronJobs is composed now for the landmark spans of its CronJobs (the
  // cross-file CronJob checks point at them), from the tokens at hand, and released after: asking
  // for a tree later would lex and parse the file a second time.
  let treesForLandmarksOnly = false;
  // A file the line reader vouched for needs no tree to be indexed: its landmarks and most findings'
  // spans are read from its lines (yaml/lineSpans.ts), and a check that wants more builds it then.
  const wantsTrees = (values: readonly unknown[], readByLines: boolean) => {
    classes = values.map(classify);
    role = testDataRole(testData, holdsPolicy(classes), definesTest(classes));
    if (readByLines) return false;
    if (role === 'workspace') return classes.some(treesReadWhileIndexing);
    treesForLandmarksOnly = role === 'test-data' && classes.some((c) => c?.family === 'resource' && c.kind === 'CronJob');
    return treesForLandmarksOnly;
  };
  // A parse without trees serves when none are wanted; one with trees (values the token walk could
  // not vouch for) is what parsing again would give.
  const reusable = parsed && (!parsed.treesOnDemand || !wantsTrees(parsed.documents.map((d) => d.value), parsed.readByLines === true));
  const yaml = reusable ? parsed : parseYaml(text, options, wantsTrees);
  if (role === undefined) {
    classes = yaml.documents.map((d) => (d.value === undefined ? undefined : classify(d.value)));
    role = testDataRole(testData, holdsPolicy(classes), definesTest(classes));
  }
  const problems: Finding[] = [];
  for (const p of yaml.errors) problems.push({ code: p.code, severity: 'warning', message: p.message, file, span: p.span });
  const documents = yaml.documents.map((doc): IndexedDocument => {
    for (const p of doc.errors) problems.push({ code: p.code, severity: yamlProblemSeverity(p.code), message: p.message, file, span: p.span });
    const indexed: IndexedDocument = { file, index: doc.index, yaml: doc };
    const cls = doc.value === undefined ? undefined : classes?.[doc.index] ?? classify(doc.value);
    if (!cls) return indexed;
    indexed.cls = cls;
    // Test data contributes its resources (realistic objects), not its policy variants.
    if (role === 'workspace' || (role === 'test-data' && cls.family === 'resource')) {
      try {
        Object.assign(indexed, normalize(cls, doc.value as Record<string, unknown>, { file, docIndex: doc.index, path: [] }));
      } catch (error) {
        problems.push({ code: 'internal/model', severity: 'warning', message: `Could not model this document: ${error instanceof Error ? error.message : String(error)}`, file, span: doc.span });
      }
    }
    return indexed;
  });
  const spans = landmarkSpans(yaml, documents, treesForLandmarksOnly || yaml.treesOnDemand === true);
  if (treesForLandmarksOnly) releaseYamlTrees(yaml, options);
  const indexed: Omit<IndexedFile, 'lines'> = { ...base, yaml, role, documents, problems, spans };
  if (role !== 'workspace') indexed.testData = testData;
  return indexed;
}

/**
 * Drops the syntax trees of a file nobody is editing (about two thirds of the index's memory):
 * the plain values and the model stay; a position asked for later parses the same text again.
 */
export function releaseTrees(file: IndexedFile, limits: ParseLimits): void {
  if (file.yaml) releaseYamlTrees(file.yaml, limits);
}

/**
 * A limit hit is a warning; an under-indented continuation line, which kubectl and Kyverno read
 * fine, is information (docs/checks/yaml/under-indented.md); any other YAML problem is an error.
 */
function yamlProblemSeverity(code: string): Finding['severity'] {
  return code.startsWith('limits/') ? 'warning' : code === 'yaml/under-indented' ? 'info' : 'error';
}

function fileProblem(file: FileId, code: string, severity: Finding['severity'], message: string): Finding {
  return { code, severity, message, file, span: { start: 0, end: 0 } };
}
