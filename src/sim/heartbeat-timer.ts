// G02: a HeartbeatRequest every interval seconds while running; a new interval (from a boot or a
// SetVariables on OCPPCommCtrlr.HeartbeatInterval) takes effect at once.

export class HeartbeatTimer {
  private timer: NodeJS.Timeout | null = null;
  private seconds = 0;

  constructor(private readonly beat: () => void) {}

  get intervalS(): number {
    return this.seconds;
  }

  setInterval(seconds: number): void {
    this.seconds = seconds;
    if (this.timer) this.start();
  }

  start(): void {
    this.stop();
    if (this.seconds > 0) this.timer = setInterval(this.beat, this.seconds * 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
