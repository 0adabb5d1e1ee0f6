import type { DocClass } from '../model/types.ts';
import type { Path } from '../yaml/paths.ts';
import { isObj } from '../k8s/objects.ts';

export type CelRole =
  | 'validation' | 'messageExpression' | 'matchCondition' | 'variable' | 'auditAnnotation'
  | 'applyConfiguration' | 'jsonPatch' | 'generate' | 'deletionCondition' | 'imageExtractor'
  | 'imageValidation' | 'attestation' | 'precondition' | 'other';

export interface CelSite {
  /** Path to the scalar holding the expression. */
  path: Path;
  expression: string;
  role: CelRole;
  /** What the expression must produce, when the policy kind fixes it. */
  resultType?: 'bool' | 'string' | 'any';
  /** `variables.<name>` declared in the expression's scope. */
  variableNames: string[];
  /** Their declarations, in order, when the scope has any (the checker types them). */
  variables?: VariableDecl[];
}

export interface VariableDecl {
  name: string;
  expression: string;
}

type Obj = Record<string, unknown>;

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const resultTypes: Record<CelRole, CelSite['resultType']> = {
  validation: 'bool', messageExpression: 'string', matchCondition: 'bool', variable: 'any',
  auditAnnotation: 'string', applyConfiguration: 'any', jsonPatch: 'any', generate: 'any',
  deletionCondition: 'bool', imageExtractor: 'any', imageValidation: 'bool', attestation: 'string',
  precondition: 'bool', other: 'any',
};

/** Collects sites while walking one document; paths are built relative to the document root. */
class Sites {
  readonly all: CelSite[] = [];
  private readonly variableNames: string[];
  constructor(private readonly variables: VariableDecl[]) {
    this.variableNames = variables.map((v) => v.name);
  }

  /** `obj[key]` when it is a string expression. */
  field(obj: unknown, base: Path, key: string, role: CelRole): void {
    if (!isObj(obj)) return;
    const value = obj[key];
    if (typeof value !== 'string') return;
    const site: CelSite = { path: [...base, key], expression: value, role, resultType: resultTypes[role], variableNames: this.variableNames };
    if (this.variables.length) site.variables = this.variables;
    this.all.push(site);
  }

  /** Each element of `parent[listKey]`'s `key` field. */
  each(parent: unknown, base: Path, listKey: string, key: string, role: CelRole): void {
    if (!isObj(parent)) return;
    listOf(parent[listKey]).forEach((item, i) => this.field(item, [...base, listKey, i], key, role));
  }
}

function variablesOf(list: unknown): VariableDecl[] {
  return listOf(list).flatMap((v) => (isObj(v) && typeof v.name === 'string' ? [{ name: v.name, expression: typeof v.expression === 'string' ? v.expression : '' }] : []));
}

/** The sites every admission-style spec shares (CEL policies, VAP/MAP). */
function commonSpecSites(s: Sites, spec: Obj): void {
  s.each(spec, ['spec'], 'variables', 'expression', 'variable');
  s.each(spec, ['spec'], 'matchConditions', 'expression', 'matchCondition');
  s.each(spec, ['spec'], 'auditAnnotations', 'valueExpression', 'auditAnnotation');
  if (isObj(spec.webhookConfiguration)) {
    s.each(spec.webhookConfiguration, ['spec', 'webhookConfiguration'], 'matchConditions', 'expression', 'matchCondition');
  }
}

function validationSites(s: Sites, spec: Obj, role: CelRole): void {
  listOf(spec.validations).forEach((v, i) => {
    s.field(v, ['spec', 'validations', i], 'expression', role);
    s.field(v, ['spec', 'validations', i], 'messageExpression', 'messageExpression');
  });
}

function mutationSites(s: Sites, spec: Obj): void {
  listOf(spec.mutations).forEach((m, i) => {
    if (!isObj(m)) return;
    s.field(m.applyConfiguration, ['spec', 'mutations', i, 'applyConfiguration'], 'expression', 'applyConfiguration');
    s.field(m.jsonPatch, ['spec', 'mutations', i, 'jsonPatch'], 'expression', 'jsonPatch');
  });
  s.each(spec, ['spec'], 'targetMatchConditions', 'expression', 'matchCondition');
  s.field(spec.targetMatchConstraints, ['spec', 'targetMatchConstraints'], 'expression', 'other');
}

function imageSites(s: Sites, spec: Obj): void {
  s.each(spec, ['spec'], 'images', 'expression', 'imageExtractor');
  s.each(spec, ['spec'], 'matchImageReferences', 'expression', 'matchCondition');
  validationSites(s, spec, 'imageValidation');
  listOf(spec.attestors).forEach((a, i) => {
    if (!isObj(a)) return;
    const base: Path = ['spec', 'attestors', i];
    const cosign = a.cosign;
    if (isObj(cosign)) {
      const c: Path = [...base, 'cosign'];
      s.field(cosign.key, [...c, 'key'], 'expression', 'attestation');
      s.field(cosign.trustedRoot, [...c, 'trustedRoot'], 'expression', 'attestation');
      if (isObj(cosign.certificate)) {
        s.field(cosign.certificate.cert, [...c, 'certificate', 'cert'], 'expression', 'attestation');
        s.field(cosign.certificate.certChain, [...c, 'certificate', 'certChain'], 'expression', 'attestation');
      }
      if (isObj(cosign.keyless)) s.each(cosign.keyless, [...c, 'keyless'], 'identities', 'subjectExpression', 'attestation');
    }
    if (isObj(a.notary)) {
      s.field(a.notary.certs, [...base, 'notary', 'certs'], 'expression', 'attestation');
      s.field(a.notary.tsaCerts, [...base, 'notary', 'tsaCerts'], 'expression', 'attestation');
    }
  });
}

function celPolicySites(kind: string, spec: Obj): CelSite[] {
  const s = new Sites(variablesOf(spec.variables));
  const base = kind.replace(/^Namespaced/, '');
  if (base === 'PolicyException') {
    s.each(spec, ['spec'], 'matchConditions', 'expression', 'matchCondition');
    return s.all;
  }
  commonSpecSites(s, spec);
  switch (base) {
    case 'ValidatingPolicy': validationSites(s, spec, 'validation'); break;
    case 'MutatingPolicy': mutationSites(s, spec); break;
    case 'GeneratingPolicy': s.each(spec, ['spec'], 'generate', 'expression', 'generate'); break;
    case 'DeletingPolicy': s.each(spec, ['spec'], 'conditions', 'expression', 'deletionCondition'); break;
    case 'ImageValidatingPolicy': imageSites(s, spec); break;
  }
  return s.all;
}

function admissionSites(kind: string, spec: Obj): CelSite[] {
  if (kind.endsWith('Binding')) return [];
  const s = new Sites(variablesOf(spec.variables));
  commonSpecSites(s, spec);
  if (kind === 'ValidatingAdmissionPolicy') validationSites(s, spec, 'validation');
  else mutationSites(s, spec);
  return s.all;
}

function legacySites(spec: Obj): CelSite[] {
  const out: CelSite[] = [];
  const policyLevel = new Sites([]);
  if (isObj(spec.webhookConfiguration)) {
    policyLevel.each(spec.webhookConfiguration, ['spec', 'webhookConfiguration'], 'matchConditions', 'expression', 'matchCondition');
  }
  out.push(...policyLevel.all);
  listOf(spec.rules).forEach((rule, r) => {
    if (!isObj(rule)) return;
    const rulePath: Path = ['spec', 'rules', r];
    const pre = new Sites([]);
    pre.each(rule, rulePath, 'celPreconditions', 'expression', 'precondition');
    out.push(...pre.all);
    const cel = isObj(rule.validate) ? rule.validate.cel : undefined;
    if (!isObj(cel)) return;
    const celPath: Path = [...rulePath, 'validate', 'cel'];
    const s = new Sites(variablesOf(cel.variables));
    s.each(cel, celPath, 'variables', 'expression', 'variable');
    listOf(cel.expressions).forEach((e, i) => {
      s.field(e, [...celPath, 'expressions', i], 'expression', 'validation');
      s.field(e, [...celPath, 'expressions', i], 'messageExpression', 'messageExpression');
    });
    s.each(cel, celPath, 'auditAnnotations', 'valueExpression', 'auditAnnotation');
    out.push(...s.all);
  });
  return out;
}

/** Every CEL expression in one classified document, with the path to its scalar. */
export function extractCelSites(cls: DocClass, value: unknown): CelSite[] {
  if (!isObj(value) || !isObj(value.spec)) return [];
  const spec = value.spec;
  switch (cls.family) {
    case 'kyverno-cel': return celPolicySites(cls.kind, spec);
    case 'k8s-admission': return admissionSites(cls.kind, spec);
    case 'kyverno-legacy': return cls.kind === 'ClusterPolicy' || cls.kind === 'Policy' ? legacySites(spec) : [];
    default: return [];
  }
}
