import { cutoff, deleteInBatches, destroyedScopes, removableMessages } from './retention-rules';

describe('cutoff', () => {
  it('is whole days before now', () => {
    expect(cutoff(new Date('2027-03-01T08:00:00Z'), 365).toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(cutoff(new Date('2027-03-01T08:00:00Z'), 0).toISOString()).toBe('2027-03-01T08:00:00.000Z');
  });

  it('counts days in the given zone, so a DST switch in between keeps the local time of day', () => {
    // Europe/London moved from GMT to BST on 2027-03-28: 30 local days back is 31 × 24 − 1 hours.
    const now = new Date('2027-04-10T09:00:00Z');
    expect(cutoff(now, 30, 'Europe/London').toISOString()).toBe('2027-03-11T10:00:00.000Z');
    expect(cutoff(now, 30, 'Asia/Shanghai').toISOString()).toBe('2027-03-11T09:00:00.000Z');
  });
});

describe('destroyedScopes', () => {
  const now = new Date('2027-02-01T00:00:00Z');

  it('shares one query between products with the same cut-off and gives every other product the default', () => {
    const scopes = destroyedScopes(
      [
        { product: 'tpns', timeZone: 'Asia/Shanghai', keepAfterDestroyDays: 30 },
        { product: 'iot-enterprise', timeZone: 'Asia/Shanghai', keepAfterDestroyDays: 30 },
        { product: 'koophone', timeZone: 'Asia/Shanghai', keepAfterDestroyDays: 90 },
      ],
      now,
      7,
    );
    expect(scopes).toEqual([
      { products: { in: ['iot-enterprise', 'tpns'] }, cutoff: new Date('2027-01-02T00:00:00Z') },
      { products: { in: ['koophone'] }, cutoff: new Date('2026-11-03T00:00:00Z') },
      { products: { notIn: ['iot-enterprise', 'koophone', 'tpns'] }, cutoff: new Date('2027-01-25T00:00:00Z') },
    ]);
  });

  it('without policies keeps every destroyed resource the default days', () => {
    expect(destroyedScopes([], now, 30)).toEqual([{ products: { notIn: [] }, cutoff: new Date('2027-01-02T00:00:00Z') }]);
  });
});

describe('removableMessages', () => {
  const purged = new Set(['gone-1', 'gone-2']);

  it('removes a message a purged resource’s delivery made on its own', () => {
    expect(removableMessages([{ id: 'd1', sentWith: null, resourceIds: ['gone-1'] }], [], purged)).toEqual(['d1']);
  });

  it('removes a digest message whose every resource is purged, once, under its lead delivery’s id', () => {
    const deliveries = [
      { id: 'd2', sentWith: 'd1', resourceIds: ['gone-1'] },
      { id: 'd1', sentWith: null, resourceIds: ['gone-2'] },
    ];
    expect(removableMessages(deliveries, deliveries, purged)).toEqual(['d1']);
  });

  it('keeps a digest message that also lists a resource that stays', () => {
    const mine = [{ id: 'd2', sentWith: 'd1', resourceIds: ['gone-1'] }];
    const digest = [...mine, { id: 'd1', sentWith: null, resourceIds: ['kept'] }];
    expect(removableMessages(mine, digest, purged)).toEqual([]);
  });

  it('does not count a digest delivery that went out in another message', () => {
    const mine = [{ id: 'd3', sentWith: null, resourceIds: ['gone-1'] }];
    const digest = [...mine, { id: 'd4', sentWith: null, resourceIds: ['kept'] }];
    expect(removableMessages(mine, digest, purged)).toEqual(['d3']);
  });
});

describe('deleteInBatches', () => {
  /** A store of `n` ids, of which `find` returns up to `limit` and `remove` deletes what is still there. */
  const store = (n: number) => {
    const ids = new Set(Array.from({ length: n }, (_, i) => `id-${i}`));
    return {
      ids,
      find: (limit: number) => async () => [...ids].slice(0, limit),
      remove: async (batch: string[]) => batch.filter((id) => ids.delete(id)).length,
    };
  };

  it('removes a backlog in batches of the limit', async () => {
    const s = store(25);
    expect(await deleteInBatches(10, s.find(10), s.remove)).toEqual({ removed: 25, batches: 3 });
    expect(s.ids.size).toBe(0);
  });

  it('after an exact multiple of the limit, one more read finds nothing and counts no batch', async () => {
    const s = store(20);
    const find = jest.fn(s.find(10));
    expect(await deleteInBatches(10, find, s.remove)).toEqual({ removed: 20, batches: 2 });
    expect(find).toHaveBeenCalledTimes(3);
  });

  it('does nothing when nothing is old enough', async () => {
    const s = store(0);
    expect(await deleteInBatches(10, s.find(10), s.remove)).toEqual({ removed: 0, batches: 0 });
  });

  it('stops when another sweep removed the batch first', async () => {
    const s = store(30);
    const late = async (batch: string[]) => {
      for (const id of batch) s.ids.delete(id); // the other instance deleted them a moment earlier
      return 0;
    };
    expect(await deleteInBatches(10, s.find(10), late)).toEqual({ removed: 0, batches: 1 });
  });
});
