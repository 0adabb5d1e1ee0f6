// The extension inside a real VS Code (code-server, driven by Debian's chromium through
// playwright-core; see ../shared/e2e/RECIPE.md): package the .vsix, install it, open a copy of
// examples/, and assert what a person sees. A screenshot of every step goes to test/e2e/screenshots/.
// Run `bash test/e2e/setup.sh` first (npm run test:e2e does both).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServer, node24, prepareRun, repo, requireTools, startCodeServer, tools, waitFor } from './codeServer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const shots = join(here, 'screenshots');
const run = join(tools, `run-vscode-${process.pid}`);
const vsix = join(repo, 'kyverno-policy-analyzer.vsix');

const log = (m) => console.log(`[vscode e2e ${new Date().toISOString().slice(11, 19)}] ${m}`);
async function main() {
  const chromium = requireTools();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  mkdirSync(run, { recursive: true });

  log('packaging the .vsix');
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });

  const { env, extensions, userData, workspace } = prepareRun(run);
  log('installing the .vsix into code-server');
  execFileSync(node24, [codeServer, '--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', vsix], { env, stdio: ['ignore', 'ignore', 'inherit'] });

  const { port, serverLog, stop } = await startCodeServer({ run, env, extensions, userData, workspace, log });
  let browser;
  const started = Date.now();
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'], env });
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    let step = 0;
    const shot = async (name) => page.screenshot({ path: join(shots, `${String(++step).padStart(2, '0')}-${name}.png`) });
    const check = async (name, fn) => {
      log(name);
      try {
        await fn();
        await shot(name);
      } catch (error) {
        await shot(`FAILED-${name}`).catch(() => {});
        throw new Error(`step "${name}" failed: ${error.message}`);
      }
    };

    let activationMs;
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });

    const openFile = async (name) => {
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+P');
        await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
        await page.locator('.quick-input-widget input').fill(name);
        await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click({ timeout: 15_000 });
        try {
          await page.waitForSelector(`.tab.active >> text=${name}`, { timeout: 5_000 });
          return;
        } catch (error) {
          if (attempt === 3) throw error;
        }
      }
    };
    const goTo = async (line, column) => {
      await page.keyboard.press('Control+G');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type(`${line}:${column}`);
      await page.keyboard.press('Enter');
    };

    await check('workbench-opened', async () => {
      await page.waitForSelector('.statusbar', { timeout: 30_000 });
    });

    // The extension starts with the workspace (it holds YAML) and indexes it: from then until the
    // index is done, the status bar shows one Kyverno item, never the client's and the server's
    // progress side by side (issue #16). Sampled every 50 ms until the item shows the counts.
    await check('one-kyverno-status-item-while-indexing', async () => {
      const counts = [];
      const texts = new Set();
      await waitFor(async () => {
        const items = await page.locator('.statusbar-item').allInnerTexts();
        const kyverno = items.filter((t) => /kyverno/i.test(t));
        counts.push(kyverno.length);
        for (const t of kyverno) texts.add(t.trim());
        return kyverno.some((t) => /Kyverno: \d+ polic/.test(t));
      }, 120_000, 'the Kyverno status item with its counts');
      log(`Kyverno status items over ${counts.length} samples: at most ${Math.max(...counts)}; texts seen: ${[...texts].join(' | ')}`);
      if (Math.max(...counts) > 1) throw new Error(`${Math.max(...counts)} Kyverno status items at once: ${[...texts].join(' | ')}`);
    });

    await check('cronjob-squiggles', async () => {
      await openFile('nightly-report.yaml');
      await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: 60_000 });
    });

    await check('status-bar-item', async () => {
      const item = page.locator('.statusbar-item', { hasText: /Kyverno: [1-9]\d* polic(y|ies) · \d+ conflicts?/ });
      await item.first().waitFor({ timeout: 60_000 });
      log(`status bar: ${(await item.first().innerText()).trim()}`);
    });

    await check('problems-panel', async () => {
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ timeout: 15_000 });
      // The list is virtualised: filter it down to each expected entry. Files the user never opened
      // are listed too (background indexing).
      const filter = page.locator('.markers-panel-container .viewpane-filter input, .viewpane-filter textarea, .panel .viewpane-filter input').first();
      const expected = ['cronjob/active-deadline-missing', 'cronjob/mutable-image', 'schema/additionalProperties', 'cel/syntax'];
      if (existsSync(join(workspace, 'conflicts'))) expected.push('conflict/');
      for (const code of expected) {
        await filter.fill(code);
        await waitFor(async () => (await panel.innerText()).includes(code), 60_000, `a Problems panel entry ${code}`);
      }
      await filter.fill('');
      await waitFor(async () => /require-labels\.yaml/.test(await panel.innerText()), 15_000, 'the unfiltered panel');
    });

    if (existsSync(join(workspace, 'conflicts/legacy/non-root.yaml'))) {
      await check('conflict-squiggles-on-both-policies', async () => {
        await openFile('non-root.yaml');
        // Two policies in one file: the conflict is reported on each of them.
        await waitFor(async () => (await page.locator('.monaco-editor .squiggly-error').count()) >= 2, 30_000, 'an error squiggle on both policies');
        await page.keyboard.press('Control+Shift+M');
        await page.locator('.markers-panel-container .viewpane-filter input, .viewpane-filter textarea, .panel .viewpane-filter input').first().fill('non-root.yaml');
        await waitFor(async () => /conflict\/incompatible-mutations/.test(await page.locator('.markers-panel').innerText()), 15_000, 'the conflict in the Problems panel');
      });
    }

    await check('hover-schedule', async () => {
      await openFile('nightly-report.yaml');
      const source = readFileSync(join(workspace, 'cronjobs/nightly-report.yaml'), 'utf8').split('\n');
      const line = source.findIndex((l) => /^\s+schedule:/.test(l)) + 1;
      await goTo(line, source[line - 1].indexOf('schedule') + 3);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover:visible');
      await hover.first().waitFor({ timeout: 15_000 });
      await waitFor(async () => /Schedule/.test(await hover.first().innerText()), 15_000, 'schedule hover text');
      log(`hover: ${(await hover.first().innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    });

    await check('hover-kyverno-field', async () => {
      await page.keyboard.press('Escape');
      await openFile('require-labels.yaml');
      const source = readFileSync(join(workspace, 'basics/require-labels.yaml'), 'utf8').split('\n');
      const line = source.findIndex((l) => /^\s+rules:/.test(l)) + 1;
      await goTo(line, source[line - 1].indexOf('rules') + 2);
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover:visible');
      await hover.first().waitFor({ timeout: 15_000 });
      await waitFor(async () => /rules.*list of object/s.test(await hover.first().innerText()), 15_000, 'the schema description of rules');
      log(`hover: ${(await hover.first().innerText()).replace(/\s+/g, ' ').slice(0, 200)}`);
    });

    await check('quick-fix-applied', async () => {
      await page.keyboard.press('Escape');
      await openFile('nightly-report.yaml');
      const path = join(workspace, 'cronjobs/nightly-report.yaml');
      const before = readFileSync(path, 'utf8');
      const lines = before.split('\n');
      const line = lines.findIndex((l) => /^\s+jobTemplate:/.test(l)) + 1;
      await goTo(line, lines[line - 1].indexOf('jobTemplate') + 2);
      // The light bulb shows once the editor has the line's code actions; a Ctrl+. pressed while the
      // editor is still taking focus back from the quick input is lost, so it is pressed again
      // (at most three times) rather than waited on once.
      await page.locator('.monaco-editor .lightBulbWidget').first().waitFor({ timeout: 15_000 }).catch(() => undefined);
      const menu = page.locator('.action-widget').first();
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Control+.');
        try {
          await menu.waitFor({ timeout: 5_000 });
          break;
        } catch (error) {
          if (attempt === 3) throw error;
          log(`quick-fix menu not shown after Ctrl+. (attempt ${attempt}); pressing again`);
          await page.keyboard.press('Escape');
          await goTo(line, lines[line - 1].indexOf('jobTemplate') + 2);
        }
      }
      await shot('quick-fix-menu');
      await menu.locator('.monaco-list-row', { hasText: 'activeDeadlineSeconds' }).first().click();
      await page.keyboard.press('Control+S');
      await waitFor(() => /activeDeadlineSeconds: \d+/.test(readFileSync(path, 'utf8')), 15_000, 'the fix written to the file');
      await page.keyboard.press('Control+Shift+M');
      await waitFor(async () => !(await page.locator('.markers-panel').innerText()).includes('cronjob/active-deadline-missing'), 30_000, 'the fixed finding to leave the Problems panel');
    });

    const runCommand = async (title) => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.locator('.quick-input-widget input').fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click({ timeout: 15_000 });
    };
    const conflictsPane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Kyverno Conflicts/i }) });

    if (existsSync(join(workspace, 'conflicts'))) {
      await check('conflict-tree-by-policy', async () => {
        await runCommand('Kyverno: Show Conflict View');
        await conflictsPane.first().waitFor({ timeout: 15_000 });
        // Room for the tree: collapse the folder section above it and close the panel.
        const folder = page.locator('.pane-header[aria-expanded="true"]', { hasText: /^\s*workspace\s*$/i });
        if (await folder.count()) await folder.first().click();
        await page.keyboard.press('Control+J');
        // Policies are expanded: their conflicts (check ids) are listed under them.
        for (const text of ['add-default-app-label', 'MutatingPolicy ·', 'conflict/mutation-rejected', 'conflict/incompatible-mutations']) {
          await waitFor(async () => (await conflictsPane.first().innerText()).includes(text), 60_000, `"${text}" in the conflict tree`);
        }
        log(`conflict tree: ${(await conflictsPane.first().innerText()).replace(/\s+/g, ' ').slice(0, 300)}`);
      });

      await check('conflict-tree-by-field', async () => {
        await conflictsPane.first().hover();
        await conflictsPane.first().locator('.actions .action-label[aria-label*="Group Conflicts by Field"]').click({ timeout: 15_000 });
        await waitFor(async () => /spec\.securityContext|metadata\.labels\.app/.test(await conflictsPane.first().innerText()), 15_000, 'field groups in the conflict tree');
        // A conflict goes to its rule when clicked.
        await conflictsPane.first().locator('.monaco-list-row', { hasText: 'conflict/mutation-rejected' }).first().click();
        await page.waitForSelector('.tab.active >> text=/app-label|add-default-app-label|require-app-frontend/', { timeout: 15_000 });
        log(`by field: ${(await conflictsPane.first().innerText()).replace(/\s+/g, ' ').slice(0, 300)}; opened ${(await page.locator('.tab.active').first().innerText()).trim()}`);
      });
    }

    if (existsSync(join(workspace, 'conflicts/legacy/non-root.yaml'))) {
      await check('hover-field-usage', async () => {
        // conflicts/legacy/non-root.yaml, not cel/enforce-non-root.yaml (quick open lists both).
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+P');
        await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
        await page.locator('.quick-input-widget input').fill('legacy/non-root.yaml');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: /^\s*non-root\.yaml/ }).first().click({ timeout: 15_000 });
        await page.locator('.tab.active', { hasText: /^\s*non-root\.yaml/ }).first().waitFor({ timeout: 15_000 });
        const source = readFileSync(join(workspace, 'conflicts/legacy/non-root.yaml'), 'utf8').split('\n');
        const line = source.findIndex((l) => /^\s+runAsNonRoot:/.test(l)) + 1;
        await goTo(line, source[line - 1].indexOf('runAsNonRoot') + 3);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const hover = page.locator('.monaco-hover:visible');
        await hover.first().waitFor({ timeout: 15_000 });
        // The other rules writing or reading the field, as links (the CEL enforce-non-root writes it too).
        await waitFor(async () => /this rule writes it\. \d+ other rules? touch(es)? it[\s\S]*\benforce-non-root\b/.test(await hover.first().innerText()), 15_000, 'the rules touching runAsNonRoot in the hover');
        const text = (await hover.first().innerText()).replace(/\s+/g, ' ');
        log(`hover: ${text.slice(text.indexOf('Field'), text.indexOf('Field') + 300)}`);
      });
    }

    if (existsSync(join(workspace, 'conflicts/workloads/web.yaml'))) {
      await check('admission-preview-link-followed', async () => {
        await openFile('web.yaml');
        const source = readFileSync(join(workspace, 'conflicts/workloads/web.yaml'), 'utf8').split('\n');
        const line = source.findIndex((l) => /^\s+containers:/.test(l)) + 1;
        await goTo(line, 5);
        await runCommand('Kyverno: Admission Preview');
        await page.locator('.tab', { hasText: /web\.yaml · admission/ }).first().waitFor({ timeout: 30_000 });
        // The Markdown preview is a webview: read the rendered text from its frames.
        let text = '';
        let previewFrame;
        await waitFor(async () => {
          for (const frame of page.frames()) {
            const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
            if (/Admission preview: Pod shop\/web/.test(body)) [text, previewFrame] = [body, frame];
          }
          return /Denied/.test(text) && /Mutations[\s\S]*add-default-app-label[\s\S]*Validations[\s\S]*require-app-frontend/.test(text);
        }, 30_000, 'the rendered admission preview (mutation, failing validation, denied)');
        log(`admission preview: ${text.replace(/\s+/g, ' ').slice(0, 400)}`);
        await shot('admission-preview-rendered');
        // The rules are links: one goes to the validation in its policy file.
        await previewFrame.locator('a', { hasText: 'require-app-frontend' }).first().click();
        await page.waitForSelector('.tab.active >> text=require-app-frontend.yaml', { timeout: 15_000 });
      });
    }

    await check('activation-time', async () => {
      await page.keyboard.press('F1');
      await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
      await page.keyboard.type('Show Running Extensions');
      await page.waitForSelector('.quick-input-list .monaco-list-row >> text=Show Running Extensions', { timeout: 15_000 });
      await page.keyboard.press('Enter');
      const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Kyverno' });
      await row.first().waitFor({ timeout: 15_000 });
      const text = (await row.first().innerText()).replace(/\s+/g, ' ');
      const ms = /(\d+)\s*ms/.exec(text);
      log(`running extensions: ${text}`);
      if (!ms) throw new Error(`no activation time in: ${text}`);
      activationMs = Number(ms[1]);
      // A measurement, not a gate: a loaded CI machine stretches it. The budget (300 ms) is checked
      // in the note from quiet runs; the step asserts that VS Code reports an activation at all.
      log(`activation ${activationMs} ms (budget 300 ms${activationMs >= 300 ? ', OVER on this run' : ''})`);
    });

    await check('server-restarted-after-crash', async () => {
      await page.keyboard.press('Escape');
      // The language server of this run: its path is inside this run's extensions folder.
      const serverPid = () => execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
        .filter((l) => l.includes(extensions) && l.includes('dist/cli.js') && l.includes('lsp'))
        .map((l) => Number(l.trim().split(/\s+/)[0]))[0];
      const first = serverPid();
      if (!first) throw new Error('language server process not found');
      process.kill(first, 'SIGKILL');
      await page.locator('.notification-toast', { hasText: 'stopped unexpectedly and was restarted' }).first().waitFor({ timeout: 30_000 });
      await waitFor(() => { const pid = serverPid(); return pid !== undefined && pid !== first; }, 30_000, 'a new server process');
      await page.locator('.statusbar-item', { hasText: /Kyverno: [1-9]\d* polic/ }).first().waitFor({ timeout: 60_000 });
      // The new server indexes again and the findings come back.
      await page.keyboard.press('Control+Shift+M');
      // The list is virtualised: filter it to the findings of files nobody opened.
      const filter = page.locator('.markers-panel-container .viewpane-filter input, .viewpane-filter textarea, .panel .viewpane-filter input').first();
      await filter.fill('cel/syntax');
      await waitFor(async () => /cel\/syntax|schema\/additionalProperties/.test(await page.locator('.markers-panel').innerText()), 60_000, 'findings republished by the restarted server');
      await filter.fill('');
    });

    log(`passed in ${Math.round((Date.now() - started) / 1000)} s (extension activation ${activationMs} ms); screenshots in ${shots}`);
  } catch (error) {
    console.error(serverLog.join('').split('\n').filter((l) => /error|kyverno/i.test(l)).slice(-30).join('\n'));
    throw error;
  } finally {
    await browser?.close();
    await stop();
    rmSync(run, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`[vscode e2e] FAILED: ${error.message}`);
  process.exitCode = 1;
});
