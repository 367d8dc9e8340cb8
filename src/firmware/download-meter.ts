// Live download progress: the open downloads of each job's or publication's link and the bytes
// they have read from the image so far, asked of the file streams themselves when someone looks
// (no work per chunk while streaming); the stored totals grow when a download ends.

export interface LiveDownloads {
  /** Downloads open now. */
  open: number;
  /** Bytes read for the open downloads so far. */
  bytes: number;
}

/** An open download: how many bytes it has read so far. */
export type DownloadProbe = () => number;

export class DownloadMeter {
  private readonly live = new Map<string, Set<DownloadProbe>>();

  start(key: string, probe: DownloadProbe): void {
    let open = this.live.get(key);
    if (!open) this.live.set(key, (open = new Set()));
    open.add(probe);
  }

  /** The download ended: its bytes leave the live figure (the caller stores them). */
  end(key: string, probe: DownloadProbe): void {
    const open = this.live.get(key);
    if (!open) return;
    open.delete(probe);
    if (open.size === 0) this.live.delete(key);
  }

  get(key: string): LiveDownloads {
    const open = this.live.get(key);
    let bytes = 0;
    for (const probe of open ?? []) bytes += probe();
    return { open: open?.size ?? 0, bytes };
  }
}

export const jobKey = (jobId: string): string => `job:${jobId}`;
export const publicationKey = (id: string): string => `publication:${id}`;
