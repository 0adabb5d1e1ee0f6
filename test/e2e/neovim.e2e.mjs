// A second editor over the same server: headless Neovim (Debian's, 0.7+) with its built-in LSP client
// started by a Lua script against `node dist/cli.js lsp --stdio`, on a copy of examples/: diagnostics
// appear, hover answers, and a code action's edit applied to the buffer clears its finding.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const log = (m) => console.log(`[neovim e2e] ${m}`);

const lua = String.raw`
local cli, root, file, out = _G.KYVERNO_CLI, _G.KYVERNO_ROOT, _G.KYVERNO_FILE, _G.KYVERNO_OUT
local report = {}
local function finish(ok, why)
  report.ok = ok
  report.why = why
  local f = io.open(out, 'w'); f:write(vim.json.encode(report)); f:close()
  if ok then vim.cmd('qall!') else vim.cmd('cquit! 1') end
end
local ok, err = pcall(function()
  local id = vim.lsp.start_client({ name = 'kyverno', cmd = { 'node', cli, 'lsp', '--stdio' }, root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = 'examples' } } })
  assert(id, 'the client did not start')
  vim.cmd('edit ' .. file)
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, id)
  local code_of = function(d) return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) end
  local has = function(code)
    for _, d in ipairs(vim.diagnostic.get(buf)) do if code_of(d) == code then return d end end
  end

  assert(vim.wait(30000, function() return has('cronjob/active-deadline-missing') ~= nil end, 100), 'no cronjob/active-deadline-missing diagnostic')
  report.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(report.diagnostics, string.format('%d:%d %s', d.lnum + 1, d.col + 1, code_of(d))) end

  -- hover on the schedule key
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  local line
  for i, l in ipairs(lines) do if l:match('^%s+schedule:') then line = i - 1; break end end
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = 4 } }
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000)
  local value = hover and hover[id] and hover[id].result and hover[id].result.contents.value
  assert(value and value:match('Schedule'), 'hover did not describe the schedule: ' .. vim.inspect(hover))
  report.hover = value

  -- the preferred quick fix of cronjob/active-deadline-missing, applied to the buffer
  local d = has('cronjob/active-deadline-missing')
  local lsp_diag = { range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } }, message = d.message, code = code_of(d), source = d.source }
  local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, range = lsp_diag.range, context = { diagnostics = { lsp_diag } } }, 10000)
  local chosen
  for _, a in ipairs((actions and actions[id] and actions[id].result) or {}) do
    if a.isPreferred and a.title:match('activeDeadlineSeconds') then chosen = a end
  end
  assert(chosen, 'no preferred activeDeadlineSeconds fix: ' .. vim.inspect(actions))
  report.action = chosen.title
  vim.lsp.util.apply_workspace_edit(chosen.edit, 'utf-16')
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  assert(text:match('activeDeadlineSeconds: %d+'), 'the edit was not applied')
  assert(vim.wait(15000, function() return has('cronjob/active-deadline-missing') == nil end, 100), 'the finding did not go away after the fix')
  vim.lsp.stop_client(id)
end)
finish(ok, ok and nil or tostring(err))
`;

function main() {
  execFileSync(process.execPath, [join(repo, 'scripts/build.mjs')], { cwd: repo, stdio: 'inherit' });
  const run = mkdtempSync(join(tmpdir(), 'kyverno-nvim-'));
  try {
    const workspace = join(run, 'examples');
    cpSync(join(repo, 'examples'), workspace, { recursive: true });
    for (const d of ['config', 'data', 'state', 'cache']) mkdirSync(join(run, d), { recursive: true });
    const script = join(run, 'test.lua');
    const out = join(run, 'result.json');
    const globals = `_G.KYVERNO_CLI = ${JSON.stringify(join(repo, 'dist/cli.js'))}\n_G.KYVERNO_ROOT = ${JSON.stringify(workspace)}\n_G.KYVERNO_FILE = ${JSON.stringify(join(workspace, 'cronjobs/nightly-report.yaml'))}\n_G.KYVERNO_OUT = ${JSON.stringify(out)}\n`;
    writeFileSync(script, globals + lua);
    const started = Date.now();
    const env = { ...process.env, XDG_CONFIG_HOME: join(run, 'config'), XDG_DATA_HOME: join(run, 'data'), XDG_STATE_HOME: join(run, 'state'), XDG_CACHE_HOME: join(run, 'cache') };
    const nvim = spawnSync('nvim', ['--headless', '--clean', '-u', 'NONE', '-c', `luafile ${script}`], { env, encoding: 'utf8', timeout: 90_000 });
    let result;
    try {
      result = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      throw new Error(`Neovim wrote no result (exit ${nvim.status}, signal ${nvim.signal}):\n${nvim.stderr}\n${nvim.stdout}`);
    }
    if (!result.ok || nvim.status !== 0) throw new Error(`${result.why ?? 'failed'} (exit ${nvim.status})`);
    log(`diagnostics: ${result.diagnostics.join(', ')}`);
    log(`hover: ${result.hover.replace(/\s+/g, ' ').slice(0, 160)}`);
    log(`code action applied: ${result.action}`);
    log(`passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(run, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`[neovim e2e] FAILED: ${error.message}`);
  process.exitCode = 1;
}
