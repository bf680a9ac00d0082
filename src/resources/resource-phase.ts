import type { Phase } from '../lifecycle/phase';

/**
 * `phaseOf` as query conditions on the stored phase instants (to be joined with `$and`): the resource has entered
 * `phase` by `now` and not yet the next one. Each instant is no later than the next, so the two bounds decide;
 * null is "not in this term".
 */
export function phaseQuery(phase: Phase, now: Date): Record<string, unknown>[] {
  const reached = (step: string) => ({ [`phases.${step}`]: { $lte: now } });
  const notYet = (step: string) => ({ $or: [{ [`phases.${step}`]: null }, { [`phases.${step}`]: { $gt: now } }] });
  switch (phase) {
    case 'running':
      return [notYet('expiringAt')];
    case 'expiring':
      return [reached('expiringAt'), notYet('expiredAt')];
    case 'expired':
      return [reached('expiredAt'), notYet('stopAt')];
    case 'stopped':
    case 'frozen':
      return [reached('stopAt'), notYet('releaseAt'), { 'phases.stopPhase': phase }];
    case 'released':
      return [reached('releaseAt')];
  }
}
