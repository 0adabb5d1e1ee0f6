export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
}

/** Bad arguments or unreadable input: exit code 2 with a one-line message naming the path and the cause. */
export class UsageError extends Error {}
