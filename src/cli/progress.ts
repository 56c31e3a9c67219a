import cliProgress from 'cli-progress';

/** Progress output on stderr: stage lines, and a bar for counted work. Silent with `quiet`. */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;

  constructor(private readonly quiet: boolean) {}

  /** A one-line message. */
  stage(message: string): void {
    if (this.quiet) return;
    this.stop();
    process.stderr.write(`${message}\n`);
  }

  /** Starts a bar of `total` units (rows, epochs) labelled `label`. */
  start(label: string, total: number): void {
    if (this.quiet) return;
    this.stop();
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total}`,
        stream: process.stderr,
        hideCursor: false,
        clearOnComplete: false,
        noTTYOutput: false,
        notTTYSchedule: 5000,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, 0);
  }

  /** Moves the bar to `value`. */
  update(value: number): void {
    this.bar?.update(value);
  }

  /** Ends the current bar. */
  stop(): void {
    if (this.bar !== undefined) {
      this.bar.stop();
      this.bar = undefined;
    }
  }
}
