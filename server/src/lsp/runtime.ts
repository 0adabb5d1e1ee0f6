/**
 * Node flags the language server is started with (by the VS Code client, and by the LSP tests and
 * benchmarks so that they measure what users run). V8 reads them once, at start.
 * - `--max-semi-space-size=2`: the server's short-lived garbage is a parse tree per keystroke; the
 *   default 16 MB semi-spaces keep ~40 MB of RSS reserved for it.
 * - `--optimize-for-size`: V8's memory-over-speed mode. On the 10,000-policy benchmark the server
 *   sits at ~240 MB RSS instead of 280–380 MB (it varied run to run), and background indexing takes
 *   ~1.5× longer; edit latency stays within budget (README, performance).
 * - `--expose-gc`: one full collection after the initial indexing returns the parse garbage of
 *   the whole workspace at once instead of leaving the heap at its indexing peak.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc', '--optimize-for-size'];
