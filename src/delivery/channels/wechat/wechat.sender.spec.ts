import { classifyWeChatAnswer } from './wechat.sender';

describe('classifyWeChatAnswer', () => {
  const hour = 3_600_000;
  it.each([
    [40001, 'stale-token'],
    [42001, 'stale-token'],
    [40014, 'stale-token'],
    [40003, 'permanent'],
    [43004, 'permanent'],
    [43101, 'permanent'],
    [40037, 'permanent'],
    [47003, 'permanent'],
    [45009, 'deferred'],
    [-1, 'transient'],
    [99999, 'permanent'],
  ])('errcode %i → %s', (errcode, expected) => {
    const result = classifyWeChatAnswer({ errcode, errmsg: 'x' }, hour);
    expect(result === 'stale-token' ? result : result.outcome).toBe(expected);
  });

  it('errcode 0 → sent with the msgid as provider id', () => {
    expect(classifyWeChatAnswer({ errcode: 0, errmsg: 'ok', msgid: 200228332 }, hour)).toMatchObject({
      outcome: 'sent',
      providerMessageId: '200228332',
    });
  });
});
