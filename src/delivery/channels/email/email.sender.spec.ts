import { classifySmtpError } from './email.sender';

const smtp = (fields: Record<string, unknown>) => Object.assign(new Error('x'), fields);

describe('classifySmtpError', () => {
  it.each([
    [smtp({ code: 'EENVELOPE', responseCode: 550 }), 'permanent'],
    [smtp({ code: 'EMESSAGE', responseCode: 552 }), 'permanent'],
    [smtp({ code: 'EPROTOCOL', responseCode: 503 }), 'transient'],
    [smtp({ code: 'EENVELOPE', responseCode: 451 }), 'transient'],
    [smtp({ code: 'EMESSAGE', responseCode: 421 }), 'transient'],
    [smtp({ code: 'ECONNECTION' }), 'transient'],
    [smtp({ code: 'ESOCKET', originalCode: 'ECONNREFUSED' }), 'transient'],
    [smtp({ code: 'ETIMEDOUT' }), 'transient'],
    [smtp({ code: 'EDNS' }), 'transient'],
    [smtp({ code: 'EENVELOPE' }), 'permanent'],
    [new Error('something else'), 'transient'],
  ])('%p → %s', (err, outcome) => {
    expect(classifySmtpError(err).outcome).toBe(outcome);
  });
});
