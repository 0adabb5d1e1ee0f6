// One escaping function per output channel: what a hostile name or message can do in each, and
// that it no longer does. Markdown is rendered with `marked` (CommonMark + GFM), so the assertions
// are about the HTML an editor would show, not about the escaping's own spelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marked } from 'marked';
import { dotLabel, markdownCode, markdownFence, markdownLink, markdownText, mermaidLabel, terminalText } from '../../../server/src/escape.ts';

const hostile = [
  'rule-a](command:workbench.action.terminal.new) [y',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '[x](javascript:alert(1))',
  '![i](https://evil.example/p.png)',
  '`a` `` b ``` c',
  'line\nsecond line\r\n# heading',
  '\u001b[2J\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007',
  '&lt;script&gt;',
  '1. list',
  '- item',
  '<https://evil.example>',
  'see https://evil.example/x and www.evil.example and ops@evil.example',
];

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('terminal: no control character survives, and a value stays on one line', () => {
  for (const value of [...hostile, 'bidi \u202etxt.exe', 'c1 \u009b31m']) {
    const out = terminalText(value);
    assert.doesNotMatch(out, CONTROL, JSON.stringify(value));
  }
  assert.equal(terminalText('a\nb\u001b[2J'), 'a\\nb\\x1b[2J');
  assert.equal(terminalText('plain name-1.yaml'), 'plain name-1.yaml');
});

function rendered(markdown: string): string {
  return marked.parse(markdown, { async: false }) as string;
}

/** The HTML elements a rendering contains, by tag name. */
const tags = (html: string) => Array.from(html.matchAll(/<([a-z][a-z0-9]*)\b/gi), (m) => m[1].toLowerCase());

test('markdown text: renders as the same text, in one paragraph, with no element of its own', () => {
  for (const value of hostile) {
    const html = rendered(`Rule ${markdownText(value)} here`);
    assert.deepEqual(tags(html).filter((t) => t !== 'p' && t !== 'code'), [], `${JSON.stringify(value)} → ${html}`);
    assert.doesNotMatch(html, /href=/);
  }
});

test('markdown link: the only link is the one given, whatever the text', () => {
  for (const value of hostile) {
    const html = rendered(markdownLink(value, 'file:///ws/policy.yaml#L3'));
    const hrefs = Array.from(html.matchAll(/href="([^"]*)"/g), (m) => m[1]);
    assert.deepEqual(hrefs, ['file:///ws/policy.yaml#L3'], `${JSON.stringify(value)} → ${html}`);
    assert.deepEqual(tags(html).filter((t) => t !== 'p' && t !== 'a' && t !== 'code'), [], html);
  }
});

test('markdown link: a target that is not file: or http(s): gives no link; one with brackets or spaces stays one link', () => {
  assert.doesNotMatch(rendered(markdownLink('x', 'command:workbench.action.terminal.new')), /href=/);
  assert.doesNotMatch(rendered(markdownLink('x', 'javascript:alert(1)')), /href=/);
  const html = rendered(markdownLink('x', 'file:///ws/a (1)/b c).yaml#L1'));
  assert.deepEqual(Array.from(html.matchAll(/href="([^"]*)"/g), (m) => decodeURIComponent(m[1])), ['file:///ws/a (1)/b c).yaml#L1']);
});

test('markdown code span and fence: hold any backticks literally', () => {
  for (const value of hostile) {
    const html = rendered(`at ${markdownCode(value)}`);
    assert.deepEqual(tags(html), ['p', 'code'], `${JSON.stringify(value)} → ${html}`);
  }
  const lines = ['+ a: ```', '- b: ````'];
  const fence = markdownFence(lines);
  assert.deepEqual(tags(rendered([`${fence}diff`, ...lines, fence, '', 'after'].join('\n'))), ['pre', 'code', 'p']);
});

test('mermaid and DOT labels: no quote, bracket or newline ends the label', () => {
  for (const value of [...hostile, 'a"b', 'x\\"y']) {
    const mermaid = mermaidLabel(value);
    assert.match(mermaid, /^[A-Za-z0-9 ._/:#;-]*$/, mermaid);
    const dot = dotLabel(value);
    // One DOT string: every quote inside is escaped, and it is one line.
    assert.match(dot, /^"(?:[^"\\\n]|\\.)*"$/, dot);
  }
});

test('graph: hostile policy and rule names stay inside their Mermaid and DOT labels', async () => {
  const { toDot, toMermaid } = await import('../../../server/src/cli/graph.ts');
  const evil = 'p"]\n  click n0 call alert()\n  x["\u001b[2J';
  const graph = {
    nodes: [
      { id: 'policy:a', type: 'policy' as const, label: `ClusterPolicy/${evil}`, file: '/w/a.yaml', span: { start: 0, end: 0 } },
      { id: 'rule:a', type: 'rule' as const, label: evil, parent: 'policy:a', file: '/w/a.yaml', span: { start: 0, end: 0 } },
      { id: 'policy:b', type: 'policy' as const, label: 'ClusterPolicy/b', file: '/w/b.yaml', span: { start: 0, end: 0 } },
      { id: 'rule:b', type: 'rule' as const, label: 'r', parent: 'policy:b', file: '/w/b.yaml', span: { start: 0, end: 0 } },
      { id: 'field:x', type: 'field' as const, label: `Pod ${evil}` },
    ],
    edges: [{ from: 'rule:a', to: 'rule:b', field: 'field:x', kind: 'conflict/mutation-overwrite', severity: 'error' }],
  };
  const mermaid = toMermaid(graph as never);
  const dot = toDot(graph as never);
  for (const out of [mermaid, dot]) assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f]/);
  // Every line is one of the shapes the writer emits: nothing the names added.
  for (const line of mermaid.trimEnd().split('\n')) assert.match(line, /^(flowchart LR|  subgraph n\d+\["[^"]*"\]|    n\d+\["[^"]*"\]|  end|  n\d+ (==|--) "[^"]*" (===|---) n\d+)$/, line);
  for (const line of dot.trimEnd().split('\n')) assert.match(line, /^(graph kyverno_conflicts \{|  rankdir=LR;|  node \[shape=box\];|  subgraph cluster_\d+ \{|    label="(?:[^"\\]|\\.)*";|    n\d+ \[label="(?:[^"\\]|\\.)*"\];|  \}|  n\d+ -- n\d+ \[label="(?:[^"\\]|\\.)*", color=\w+(, penwidth=2)?\];|\})$/, line);
});

test('admission preview: a rule named to smuggle a command: link, and HTML in a message and a label, render as text', async () => {
  const { admissionPreview, previewMarkdown } = await import('../../../server/src/engine/preview.ts');
  const evil = 'rule-a](command:workbench.action.terminal.new) [y';
  const mutate = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p<img src=x onerror=alert(1)>' },
    spec: { rules: [{ name: evil, match: { any: [{ resources: { kinds: ['Pod'] } }] }, mutate: { patchStrategicMerge: { metadata: { labels: { tier: '```</code><script>x</script>' } } } } }] },
  };
  const validate = {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'v' },
    spec: { validationFailureAction: 'Enforce', rules: [{ name: `${evil}2`, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { message: '<b>x</b> [y](command:z) https://evil.example', pattern: { metadata: { labels: { tier: 'other' } } } } }] },
  };
  const skipped = { ...validate, metadata: { name: 'skipped<details>' }, spec: { rules: [{ ...validate.spec.rules[0], name: evil, match: { any: [{ resources: { kinds: ['Service'] } }] } }] } };
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web<i>' }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } };
  const preview = admissionPreview(pod, [{ doc: mutate }, { doc: validate }, { doc: skipped }]);
  const html = rendered(previewMarkdown(preview, { linkOf: (s) => `file:///ws/${s.policyIndex}.yaml#L1` }));
  const hrefs = Array.from(html.matchAll(/href="([^"]*)"/g), (m) => m[1]);
  assert.ok(hrefs.length >= 2 && hrefs.every((h) => h.startsWith('file:///ws/')), hrefs.join(' '));
  const allowed = new Set(['h1', 'h2', 'h3', 'p', 'code', 'a', 'strong', 'em', 'ol', 'ul', 'li', 'pre', 'blockquote']);
  assert.deepEqual(tags(html).filter((t) => !allowed.has(t)), [], html);
});
