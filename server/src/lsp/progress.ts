// One progress for the whole background pass (indexing, then the cross-file checks), told two
// ways: `$/progress` for editors that show work-done progress, and the `progress` field of
// `kyverno/status` for the VS Code client, which shows it in its single status item (it does not
// ask for work-done progress, so VS Code shows no second Kyverno item beside it).
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { STATUS_NOTIFICATION, type StatusParams } from './protocol.ts';
import type { Session } from './session.ts';

/** Status notifications while the progress moves: at most one per this many ms (reports come every slice). */
const STATUS_EVERY_MS = 250;

export class Progress {
  private lastStatus = -Infinity;
  private lastPhase = '';
  private finished = false;

  private constructor(
    private readonly session: Session,
    private readonly reporter: WorkDoneProgressServerReporter,
  ) {}

  static async start(session: Session, title: string, message: string): Promise<Progress> {
    const reporter = await session.connection.window.createWorkDoneProgress();
    reporter.begin(title, 0, message, true);
    const progress = new Progress(session, reporter);
    progress.status(message, true);
    return progress;
  }

  get cancelled(): boolean {
    return this.reporter.token.isCancellationRequested;
  }

  report(percentage: number, message: string): void {
    if (this.finished) return;
    this.reporter.report(percentage, message);
    this.status(message, false);
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.reporter.done();
  }

  private status(message: string, force: boolean): void {
    const now = performance.now();
    // A new phase ("indexing …" → "checking …") is always told, however soon after the last status:
    // a short phase would otherwise never show in the status item.
    const phase = message.split(' ', 1)[0];
    if (!force && phase === this.lastPhase && now - this.lastStatus < STATUS_EVERY_MS) return;
    this.lastStatus = now;
    this.lastPhase = phase;
    void this.session.connection.sendNotification(STATUS_NOTIFICATION, { ...this.session.status(), progress: message } satisfies StatusParams);
  }
}
