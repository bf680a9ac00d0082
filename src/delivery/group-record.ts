/**
 * The outcomes of one message's deliveries (one, or a digest's), each counted once its write is done. The
 * writes start as they are added; `settled` is what the worker hands back once the message is sent, so that
 * awaiting the send does not await the writes.
 */
export class GroupRecord<Outcome extends string> {
  private writes: Promise<unknown> = Promise.resolve();
  private readonly outcomes: Outcome[] = [];

  add(write: Promise<unknown>, outcome: Outcome): void {
    this.writes = Promise.all([this.writes, write]);
    // Handled here for the moment between now and when `recorded` is awaited, which reports the failure.
    this.writes.catch(() => undefined);
    this.outcomes.push(outcome);
  }

  /** `recorded`: every outcome once all writes are done, with `unwritten` ones (deliveries left as they were) after them. */
  settled(unwritten: Outcome[] = []): { recorded: Promise<Outcome[]> } {
    return { recorded: this.writes.then(() => [...this.outcomes, ...unwritten]) };
  }
}
