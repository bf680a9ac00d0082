import { GroupRecord } from './group-record';

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
const failing = (ms: number) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error('database away')), ms));

describe('GroupRecord', () => {
  it('records nothing when nothing was added', async () => {
    await expect(new GroupRecord().settled().recorded).resolves.toEqual([]);
  });

  it('resolves only once every write is done, with the outcomes in the order they were added and the unwritten ones last', async () => {
    const record = new GroupRecord<string>();
    let done = 0;
    record.add(
      later(null, 30).then(() => done++),
      'cancelled',
    );
    record.add(
      later(null, 5).then(() => done++),
      'sent',
    );
    await expect(record.settled(['retried']).recorded).resolves.toEqual(['cancelled', 'sent', 'retried']);
    expect(done).toBe(2);
  });

  it('rejects `recorded` when a write fails, even one that failed while the send was still under way', async () => {
    const record = new GroupRecord<string>();
    record.add(failing(1), 'cancelled');
    await later(null, 20);
    record.add(Promise.resolve(), 'sent');
    await expect(record.settled().recorded).rejects.toThrow('database away');
  });
});
