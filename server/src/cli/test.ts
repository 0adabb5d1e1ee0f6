// `kyverno-analyzer test [dirs…] [--format text|json]`: runs kyverno-test.yaml suites through the
// engine and reports how far it agrees with the results the suites expect.
import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { runSuites, type RunReport } from '../engine/testRunner/index.ts';
import { terminalText as t } from '../escape.ts';

export interface TestCommandIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

function percent(agree: number, total: number): string {
  return total === 0 ? '100.0' : ((100 * agree) / total).toFixed(1);
}

export function formatText(report: RunReport): string {
  const lines: string[] = [];
  // Every name, result and reason comes from the suites: escaped, one line per failure.
  for (const e of report.errors) lines.push(`${t(e.suite)}: error: ${t(e.error)}`);
  for (const f of report.failures) {
    lines.push(`${t(f.suite)}: ${t(f.policy)}${f.rule ? `/${t(f.rule)}` : ''} on ${t(f.resource)}: expected ${t(f.expected)}, got ${t(f.actual)}${f.reason ? ` (${t(f.reason)})` : ''}`);
  }
  for (const f of report.checkFailures) {
    const where = f.policy ? `: ${t(f.policy)}${f.rule ? `/${t(f.rule)}` : ''} on ${t(f.resource)}` : '';
    lines.push(`${t(f.suite)}: ${t(f.expected)}${where}: got ${t(f.actual)}${f.reason ? ` (${t(f.reason)})` : ''}`);
  }
  const r = report.results;
  lines.push(`agree ${r.agree} / total ${r.total} (${percent(r.agree, r.total)}%), disagree ${r.disagree}, unknown ${r.unknown}`);
  const c = report.checks;
  if (c.total > 0) lines.push(`checks: agree ${c.agree} / total ${c.total}, disagree ${c.disagree}, unknown ${c.unknown}`);
  return `${lines.join('\n')}\n`;
}

export async function runTestCommand(args: string[], io: TestCommandIO): Promise<number> {
  const dirs: string[] = [];
  let format: 'text' | 'json' = 'text';
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--format' || a.startsWith('--format=')) {
      const value = a === '--format' ? args[++i] : a.slice('--format='.length);
      if (value !== 'text' && value !== 'json') { io.stderr(`kyverno-analyzer test: --format must be text or json, not ${value ?? '(missing)'}\n`); return 2; }
      format = value;
    } else if (a.startsWith('-')) {
      io.stderr(`kyverno-analyzer test: unknown flag ${a}\n`);
      return 2;
    } else {
      dirs.push(a);
    }
  }
  if (dirs.length === 0) dirs.push('.');
  const roots: string[] = [];
  for (const d of dirs) {
    const abs = resolve(io.cwd, d);
    if (!existsSync(abs) || !statSync(abs).isDirectory()) { io.stderr(`kyverno-analyzer test: no such directory: ${d}\n`); return 2; }
    roots.push(abs);
  }
  const report = runSuites(roots);
  // Suites are named relative to where the command ran, as the user typed the directories.
  const shown = (p: string) => relative(io.cwd, p) || p;
  for (const f of [...report.failures, ...report.checkFailures]) f.suite = shown(f.suite);
  for (const e of report.errors) {
    const own = `${e.suite}: `;
    e.error = (e.error.startsWith(own) ? e.error.slice(own.length) : e.error).replaceAll(e.suite, shown(e.suite));
    e.suite = shown(e.suite);
  }
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ suites: report.suites, results: report.results, failures: report.failures, errors: report.errors, excludedAgreements: report.excludedAgreements, byFamily: report.byFamily, checks: report.checks, checkFailures: report.checkFailures }, null, 2)}\n`);
  } else {
    io.stdout(formatText(report));
  }
  const settled = (c: { disagree: number; unknown: number }) => c.disagree === 0 && c.unknown === 0;
  return settled(report.results) && settled(report.checks) && report.errors.length === 0 ? 0 : 1;
}
