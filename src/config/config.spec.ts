import { ConfigError, DEV_API_KEY, loadConfig } from './config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/herald' };

describe('loadConfig', () => {
  it('fills defaults for a development start with only a database', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      defaultTimeZone: 'Asia/Shanghai',
      testClockEnabled: false,
      demoSeed: 'auto',
      bootstrapApiKey: DEV_API_KEY,
      sms: null,
      wechat: null,
    });
    expect(config.email.smtpUrl).toBeNull();
  });

  it('names every bad variable and why', () => {
    const error = (() => {
      try {
        loadConfig({ ...base, PORT: 'eighty', DEFAULT_TIME_ZONE: 'Mars/Olympus', TEST_CLOCK_ENABLED: 'yes' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      'PORT: must be a number (got "eighty")',
      'DEFAULT_TIME_ZONE: must be an IANA time zone such as Asia/Shanghai (got "Mars/Olympus")',
      'TEST_CLOCK_ENABLED: must be true or false (got "yes")',
    ]);
  });

  it('requires a database and, in production, a JWT secret, without echoing secret values', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /MONGODB_URI: is required[\s\S]*JWT_SECRET: is required when NODE_ENV=production/,
    );
    expect(() => loadConfig({ ...base, JWT_SECRET: 'short-secret-value' })).toThrow('JWT_SECRET: must be at least 32 characters');
    expect(() => loadConfig({ ...base, JWT_SECRET: 'short-secret-value' })).not.toThrow(/short-secret-value/);
  });

  it('turns a channel on only when all of its variables are set', () => {
    expect(() => loadConfig({ ...base, TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}` })).toThrow(
      /TWILIO_AUTH_TOKEN: is required[\s\S]*TWILIO_FROM: is required/,
    );
    const config = loadConfig({
      ...base,
      TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'token',
      TWILIO_FROM: '+15005550006',
    });
    expect(config.sms).toMatchObject({ from: '+15005550006', baseUrl: null });
  });

  it('has no development key in production', () => {
    const config = loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
    expect(config.bootstrapApiKey).toBeNull();
  });
});
