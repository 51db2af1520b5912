/**
 * The shape of the operator checks (container-check, compose-check): each step prints `ok …` or the
 * check stops at the first `FAIL …`, with exit status 0 or 1.
 */
export const say = (line: string) => process.stdout.write(`${line}\n`);

export class CheckFailed extends Error {}

export const fail = (message: string): never => {
  throw new CheckFailed(message);
};

/** Runs the check and exits: 0 when it passed, 1 with its `FAIL` line (a stack for an unexpected error). */
export function runCheck(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      say(
        `FAIL ${err instanceof CheckFailed ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      process.exit(1);
    },
  );
}
