// Connection state and last-seen times, written in batches: a reconnect storm of thousands of
// stations costs a handful of statements, not one per station.
import type { Logger } from '../log.js';
import type { StationRepo } from '../store/stations.js';

export class PresenceWriter {
  private readonly lastSeen = new Map<string, Date>();
  private readonly changes = new Map<string, { connected: boolean; at: Date }>();
  private timer: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly stations: Pick<StationRepo, 'touchMany' | 'setConnectedMany'>,
    private readonly log: Logger,
    intervalMs = 1000,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  seen(stationId: string, at: Date): void {
    this.lastSeen.set(stationId, at);
  }

  connected(stationId: string, at: Date): void {
    this.changes.set(stationId, { connected: true, at });
    this.lastSeen.set(stationId, at);
  }

  disconnected(stationId: string, at: Date): void {
    this.changes.set(stationId, { connected: false, at });
  }

  flush(): Promise<void> {
    this.running = this.running.then(() => this.write());
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.changes.size === 0 && this.lastSeen.size === 0) return;
    const changes = new Map(this.changes);
    const seen = new Map(this.lastSeen);
    this.changes.clear();
    this.lastSeen.clear();
    try {
      if (changes.size > 0) await this.stations.setConnectedMany(changes);
      if (seen.size > 0) await this.stations.touchMany(seen);
    } catch (err) {
      this.log.warn({ err }, 'could not record station presence; will retry');
      for (const [k, v] of changes) if (!this.changes.has(k)) this.changes.set(k, v);
      for (const [k, v] of seen) if (!this.lastSeen.has(k)) this.lastSeen.set(k, v);
    }
  }
}
