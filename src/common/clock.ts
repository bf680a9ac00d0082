/** Time as a dependency: services ask the injected clock, never `new Date()`, so tests and the test clock control it. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * The test clock (TEST_CLOCK_ENABLED=true): frozen at an instant an operator sets or advances, like
 * Stripe's test clocks. Domain time only: leases and retry timers keep using wall-clock time.
 */
export class ControllableClock extends Clock {
  constructor(private current: Date = new Date()) {
    super();
  }

  now(): Date {
    return new Date(this.current.getTime());
  }

  set(instant: Date): void {
    this.current = new Date(instant.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Wall-clock time for leases and backoff, which must keep moving whatever the domain clock says. */
export abstract class WallClock {
  abstract now(): Date;
}

export class SystemWallClock extends WallClock {
  now(): Date {
    return new Date();
  }
}
