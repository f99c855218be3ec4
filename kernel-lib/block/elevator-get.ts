// elevator_get(): the I/O scheduler a queue asks for by name (the kernel's registered
// elevator types). Kept apart from the Elevator interface (elevator.ts), which the
// schedulers themselves implement.
import type { Elevator, ElevatorKick } from './elevator.js';
import { CfqElevator } from './elevator-cfq.js';
import { DeadlineElevator } from './elevator-deadline.js';
import { NoopElevator } from './elevator-noop.js';
import type { BlockOptions, SchedulerName } from './options.js';

export function createElevator(name: SchedulerName, options: BlockOptions, kick: ElevatorKick | null = null): Elevator {
  switch (name) {
    case 'noop':
      return new NoopElevator();
    case 'deadline':
    case 'mq-deadline':
      return new DeadlineElevator(name, options);
    case 'cfq':
      return new CfqElevator(options, kick);
    case 'none':
      throw new Error('scheduler "none" has no elevator object (blk-mq issues directly)');
  }
}
