import { SmtpSink } from './fakes/smtp-sink';
import { TwilioFake } from './fakes/twilio-fake';
import { WeChatFake } from './fakes/wechat-fake';

export const TWILIO_SID = `AC${'1'.repeat(32)}`;
export const TWILIO_TOKEN = 'twilio-test-auth-token';
export const TWILIO_FROM = '+15005550006';
export const WECHAT_APP_ID = 'wx-test-app';
export const WECHAT_SECRET = 'wechat-test-secret';

/** The real local peers Herald talks to in tests: an SMTP sink, a Twilio fake and a WeChat fake. */
export interface Peers {
  smtp: SmtpSink;
  twilio: TwilioFake;
  wechat: WeChatFake;
  /** Environment that points Herald at them. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startPeers(): Promise<Peers> {
  const [smtp, twilio, wechat] = await Promise.all([
    SmtpSink.start(),
    TwilioFake.start(TWILIO_SID, TWILIO_TOKEN),
    WeChatFake.start(WECHAT_APP_ID, WECHAT_SECRET),
  ]);
  return {
    smtp,
    twilio,
    wechat,
    env: {
      SMTP_URL: smtp.url,
      TWILIO_ACCOUNT_SID: TWILIO_SID,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_FROM,
      TWILIO_BASE_URL: twilio.url,
      WECHAT_APP_ID,
      WECHAT_APP_SECRET: WECHAT_SECRET,
      WECHAT_API_BASE_URL: wechat.url,
    },
    stop: async () => {
      await Promise.all([smtp.stop(), twilio.stop(), wechat.stop()]);
    },
  };
}
