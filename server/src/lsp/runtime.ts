/**
 * Node flags the language server is started with (by the VS Code client, and by the LSP tests and
 * benchmarks so they measure what users run). A small young generation: the server's allocations
 * are short-lived parse trees per keystroke, and V8's default 16 MB semi-spaces would keep ~40 MB
 * of RSS reserved for them; with 2 MB the 10,000-policy benchmark's server stays near 300 MB RSS at
 * no measurable cost in edit latency (see README, performance). Set at start: V8 reads it once.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc', '--optimize-for-size'];
