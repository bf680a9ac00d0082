import { Semaphore } from './pool';

describe('Semaphore', () => {
  it('lets at most its limit run at once, across callers, and the rest in the order they came', async () => {
    const slots = new Semaphore(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates: (() => void)[] = [];
    const calls = Array.from({ length: 5 }, (_, i) =>
      slots.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return i * 10;
      }),
    );
    for (let open = 0; open < 5; open++) {
      // Let every call that can start do so, then finish the oldest one running.
      await new Promise((r) => setImmediate(r));
      expect(running).toBe(Math.min(2, 5 - open));
      gates.shift()!();
    }
    expect(await Promise.all(calls)).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('frees the slot when a call fails', async () => {
    const slots = new Semaphore(1);
    await expect(slots.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(slots.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
