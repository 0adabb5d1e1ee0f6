/**
 * Node flags the language server is started with (by the VS Code client, and by the LSP tests and
 * benchmarks so that they measure what users run). V8 reads them once, at start.
 * - `--max-semi-space-size=2`: the server's short-lived garbage is a parse tree per keystroke; the
 *   default 16 MB semi-spaces keep ~40 MB of RSS reserved for it.
 * - `--heap-growing-percent=20`: the old generation grows by a fixed 20% per collection instead of
 *   V8's adaptive factor (up to 4× when collections are rare). V8's `--optimize-for-size`, used
 *   before for the same reason, also pins the young generation at its smallest (so the semi-space
 *   bound above never applies) and forces memory-reducing full collections: opening the policy
 *   library's 1,234 policies at once spent twice the scavenges and ~15% more CPU, for about the same
 *   RSS (10,000-policy benchmark: 273 MB with it, 275 MB with this flag).
 * - `--expose-gc`: one full collection after the initial indexing returns the parse garbage of
 *   the whole workspace at once instead of leaving the heap at its indexing peak.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc', '--heap-growing-percent=20'];
