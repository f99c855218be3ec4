// What lock_stat reports for a lock: acquisitions, contentions, wait and hold times.
import { Tally } from './tally.js';

export class LockStats {
  acquisitions = 0;
  /** Acquisitions that had to wait. */
  contentions = 0;
  /** ns from asking to getting, over all acquisitions. */
  readonly waitTime = new Tally();
  /** ns from getting to releasing. */
  readonly holdTime = new Tally();

  reset(): void {
    this.acquisitions = 0;
    this.contentions = 0;
    this.waitTime.reset();
    this.holdTime.reset();
  }

  toJSON(): object {
    return {
      acquisitions: this.acquisitions,
      contentions: this.contentions,
      waitNs: this.waitTime.toJSON(),
      holdNs: this.holdTime.toJSON(),
    };
  }
}
