// Benchmark (not a test): a synthetic 10,000-policy workspace with realistic overlap (both
// families, shared kinds and fields). Measures the initial index + checks against the bare `yaml`
// parse of the same texts, then edit -> re-diagnose latency (p50/p95) and RSS, as the language
// server does per keystroke: re-index the one document, its document checks, the incremental
// workspace pass (in process: no JSON-RPC, no debounce; test/bench/lsp-edit.mts measures the server).
//   npm run build && node test/bench/synthetic.mjs [policies] [edits]
// The same bundled yaml instance the analyzer uses: same code, same JIT state.
import core from '../../dist/core.js';
const { parseAllDocuments } = core;

const policies = Number(process.argv[2] ?? 10000);
const edits = Number(process.argv[3] ?? 200);
const kinds = ['Pod', 'Deployment', 'Service', 'ConfigMap', 'Namespace', 'Ingress', 'Secret', 'CronJob'];
const fields = ['team', 'app', 'env', 'cost-center', 'owner', 'tier'];

function legacyPolicy(i) {
  const kind = kinds[i % kinds.length];
  const field = fields[i % fields.length];
  if (i % 3 === 0) {
    return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: mutate-${i}
spec:
  rules:
    - name: add-${field}
      match:
        any:
          - resources:
              kinds: [${kind}]
              namespaces: ["ns-${i % 50}"]
      mutate:
        patchStrategicMerge:
          metadata:
            labels:
              +(${field}): "v${i % 7}"
`;
  }
  return `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-${i}
spec:
  validationFailureAction: ${i % 2 ? 'Audit' : 'Enforce'}
  rules:
    - name: require-${field}
      match:
        any:
          - resources:
              kinds: [${kind}]
              namespaces: ["ns-${i % 50}"]
      validate:
        message: "${field} is required"
        pattern:
          metadata:
            labels:
              ${field}: "?*"
`;
}

function celPolicy(i) {
  const field = fields[i % fields.length];
  return `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: cel-${i}
spec:
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  matchConditions:
    - name: ns
      expression: "object.metadata.namespace == 'ns-${i % 50}'"
  validations:
    - expression: "has(object.metadata.labels) && '${field}' in object.metadata.labels"
      message: "${field} label required"
`;
}

const texts = Array.from({ length: policies }, (_, i) => [`/synthetic/p${i}.yaml`, i % 4 === 3 ? celPolicy(i) : legacyPolicy(i)]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const parseRounds = [];
for (let r = 0; r < 3; r++) {
  const t = performance.now();
  for (const [, text] of texts) parseAllDocuments(text);
  parseRounds.push(performance.now() - t);
}
const parse = median(parseRounds);

// Index three times from scratch (the same JIT treatment as the bare parse) and keep the last.
let index;
const indexRounds = [];
for (let r = 0; r < 3; r++) {
  index = new core.WorkspaceIndex();
  const start = performance.now();
  for (const [file, text] of texts) index.setFile(file, text);
  indexRounds.push(performance.now() - start);
}
const indexed = median(indexRounds);
let t;
t = performance.now();
for (const file of index.files()) core.runDocumentChecks(file, core.allChecks, index.config);
const documentChecks = performance.now() - t;
t = performance.now();
const workspaceFindings = core.runWorkspaceChecks(index, core.allChecks);
const workspaceChecks = performance.now() - t;

// Edits as the language server handles them: the incremental pass (only what the edit can change).
const pass = new core.WorkspacePass(index, core.allChecks);
pass.run();
const latencies = [];
for (let e = 0; e < edits; e++) {
  const i = (e * 37) % policies;
  const [file, text] = texts[i];
  const edited = text.replace(/name: (\S+)/, `name: $1-e${e}`);
  const start = performance.now();
  const { indexed: changed } = index.setFile(file, edited);
  core.runDocumentChecks(changed, core.allChecks, index.config);
  pass.run();
  latencies.push(performance.now() - start);
}
console.log(`synthetic workspace: ${policies} policies, ${index.policies().length} modelled, ${workspaceFindings.length} workspace findings`);
console.log(`  bare yaml parse: ${parse.toFixed(0)} ms`);
console.log(`  index (parse + model): ${indexed.toFixed(0)} ms (ratio ${(indexed / parse).toFixed(2)}), document checks ${documentChecks.toFixed(0)} ms, workspace checks ${workspaceChecks.toFixed(0)} ms (ratio to parse ${(workspaceChecks / parse).toFixed(2)}, budget <= 1)`);
console.log(`  edit -> diagnostics over ${edits} edits: p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p95 ${percentile(latencies, 0.95).toFixed(1)} ms (budget <= 50)`);
console.log(`  rss of this process ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB (it keeps every syntax tree and three index rounds; the language server's RSS, the budgeted one, is measured by lsp-edit.mts)`);
