// noop: one FIFO list (block/noop-iosched.c). Only the queue's back-merge hash and
// last_merge merge bios into its requests.
import { Deque } from '../sim/index.js';
import type { Elevator } from './elevator.js';
import type { Request } from './request.js';

export class NoopElevator implements Elevator {
  readonly name = 'noop' as const;
  readonly frontMerges = false;
  private readonly fifo = new Deque<Request>();

  get count(): number {
    return this.fifo.length;
  }

  add(rq: Request): void {
    this.fifo.push(rq);
  }

  dispatch(): Request | null {
    return this.fifo.shift() ?? null;
  }

  repositioned(): void {}

  remove(rq: Request): void {
    this.fifo.remove(rq);
  }
}
