import { classifyTwilioError } from './sms.sender';

const rest = (status: number, code?: number) => Object.assign(new Error('x'), { status, code });

describe('classifyTwilioError', () => {
  it.each([
    [rest(429, 20429), 'transient'],
    [rest(500, 20500), 'transient'],
    [rest(503), 'transient'],
    [rest(400, 21211), 'permanent'],
    [rest(400, 21610), 'permanent'],
    [rest(400, 21614), 'permanent'],
    [rest(400, 21408), 'permanent'],
    [rest(400, 21612), 'permanent'],
    [rest(400, 30007), 'permanent'],
    [rest(400, 21617), 'permanent'],
    [rest(404, 20404), 'permanent'],
    [rest(401, 20003), 'transient'],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'transient'],
  ])('%p → %s', (err, outcome) => {
    expect(classifyTwilioError(err).outcome).toBe(outcome);
  });

  it('carries Retry-After on a 429', () => {
    expect(classifyTwilioError(rest(429, 20429), 5000)).toMatchObject({ outcome: 'transient', retryAfterMs: 5000 });
  });
});
