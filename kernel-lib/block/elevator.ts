// The I/O scheduler interface (struct elevator_ops, reduced): the queue adds requests and
// asks for the next one to dispatch. Bio merging is the queue's job (the back-merge hash and
// last_merge live in the queue, as in elevator.c); the scheduler only says whether front
// merges are allowed and keeps its own order when a request grows or is absorbed.
import type { Request } from './request.js';
import type { SchedulerName } from './options.js';

export interface Elevator {
  readonly name: SchedulerName;
  /** Requests held by the scheduler. */
  readonly count: number;
  /** Whether a bio may merge onto the front of a queued request (deadline front_merges). */
  readonly frontMerges: boolean;
  /** elevator_add_req_fn. */
  add(rq: Request, now: number): void;
  /** elevator_dispatch_fn: the next request for the driver, removed from the scheduler. */
  dispatch(now: number): Request | null;
  /** A queued request's start sector moved (front merge): re-sort it. */
  repositioned(rq: Request): void;
  /** elevator_merge_req_fn: a queued request was absorbed by another; forget it. */
  remove(rq: Request): void;
  /** elevator_completed_req_fn: a dispatched request finished (CFQ's think time and idling). */
  completed?(rq: Request, now: number): void;
}

/** What an elevator may ask of its queue: run it again after `delayNs` (CFQ's idle timer). */
export type ElevatorKick = (delayNs: number) => void;
