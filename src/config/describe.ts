import type { Config } from './config';

/** One start-up line per channel saying whether it is on and where its messages go. */
export function describeChannels(config: Config): string[] {
  return [
    'in-site inbox: on',
    config.email.smtpUrl
      ? `email: SMTP ${new URL(config.email.smtpUrl).host}`
      : config.env === 'production'
        ? 'email: off (SMTP_URL not set)'
        : 'email: SMTP_URL not set, messages go to the development sink (.data/mail/*.eml)',
    config.sms
      ? `sms: Twilio${config.sms.baseUrl ? ` at ${config.sms.baseUrl}` : ''}`
      : 'sms: off (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM not set)',
    config.wechat
      ? `wechat: official account ${config.wechat.appId} at ${config.wechat.apiBaseUrl}`
      : 'wechat: off (WECHAT_APP_ID, WECHAT_APP_SECRET not set)',
  ];
}
