import { Inject } from '@nestjs/common';

/** "Now" comes from here so tests can move time. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export const InjectClock = (): ParameterDecorator => Inject(Clock);
