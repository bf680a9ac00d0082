/** Time as a dependency: services ask the injected clock, never `new Date()`, so tests and the test clock control it. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
