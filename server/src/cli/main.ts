import { runCheckCommand } from './check.ts';
import { UsageError, type CliIo } from './io.ts';
import { ANALYZER_VERSION } from '../analysis.ts';
import { terminalText } from '../escape.ts';

const usage = `Usage:
  kyverno-analyzer check [paths…] [--format text|json|sarif] [--fail-on error|warning|info|never]
                         [--config FILE] [--cache] [--cache-location DIR] [--jobs N]
  kyverno-analyzer test [dirs…] [--format text|json]
  kyverno-analyzer graph [paths…] [--format mermaid|dot]
  kyverno-analyzer impact [paths…] [--resources PATH…] [--format text|json] [--fail-on enforce|any|never]
  kyverno-analyzer lsp --stdio|--node-ipc
  kyverno-analyzer --version
`;

type Command = (args: string[], io: CliIo) => Promise<number>;

// Commands load lazily: `lsp` pulls in the server, `test` the engine; `check` stays lean.
const commands: Record<string, () => Promise<Command>> = {
  check: async () => runCheckCommand,
  test: async () => (await import('./test.ts')).runTestCommand,
  graph: async () => (await import('./graph.ts')).runGraphCommand,
  impact: async () => (await import('./impact.ts')).runImpactCommand,
  lsp: async () => (await import('../lsp/server.ts')).runLanguageServer,
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    io.stdout(ANALYZER_VERSION + '\n');
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`kyverno-analyzer: unknown command '${name}'\n${usage}`);
    return 2;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      // One line, whatever path or name the message quotes.
      io.stderr(`kyverno-analyzer ${name}: ${terminalText(error.message)}\n`);
      return 2;
    }
    io.stderr(`kyverno-analyzer ${name}: internal error: ${(error as Error)?.stack ?? error}\n`);
    return 2;
  }
}

if (require.main === module) {
  const io: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), cwd: process.cwd() };
  main(process.argv.slice(2), io).then((code) => {
    // A running language server never resolves (the connection ends the process on `exit`), so
    // this only sees the other commands and `lsp` usage errors.
    process.exitCode = code;
  });
}
