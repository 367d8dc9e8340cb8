// Waiting on a simulated station from tests: poll a condition, and keep every frame the station
// sent or received, parsed, to ask what went over the wire.
import type { SimulatedStation } from '../../src/sim/station.js';

/** Resolves with the first truthy value of `probe`; rejects after `timeoutMs` naming `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface WireFrame {
  direction: 'in' | 'out';
  at: number;
  frame: unknown[];
}

export class FrameRecorder {
  readonly frames: WireFrame[] = [];

  constructor(station: SimulatedStation) {
    station.on('frame', (direction, text) => {
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        frame = ['unparsable', text];
      }
      this.frames.push({ direction, at: Date.now(), frame: Array.isArray(frame) ? frame : ['not-an-array', frame] });
    });
  }

  /** CALLs the station sent with this action, oldest first, optionally only after `since`. */
  sent(action: string, since = 0): WireFrame[] {
    return this.frames.filter((f) => f.direction === 'out' && f.at >= since && f.frame[0] === 2 && f.frame[2] === action);
  }

  /** The CSMS's CALLRESULT or CALLERROR to the station's CALL with this id. */
  answerTo(messageId: unknown): unknown[] | undefined {
    return this.frames.find((f) => f.direction === 'in' && (f.frame[0] === 3 || f.frame[0] === 4) && f.frame[1] === messageId)?.frame;
  }

  /** CALLs the CSMS sent to the station with this action. */
  received(action: string): WireFrame[] {
    return this.frames.filter((f) => f.direction === 'in' && f.frame[0] === 2 && f.frame[2] === action);
  }
}
