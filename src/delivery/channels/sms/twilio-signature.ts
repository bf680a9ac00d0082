import twilio from 'twilio';

/**
 * Checks the X-Twilio-Signature of a status callback: `fullUrl` exactly as Twilio called it (scheme, host, path and
 * query) and `params` the decoded form fields.
 */
export function verifyTwilioSignature(
  authToken: string,
  fullUrl: string,
  params: Record<string, string>,
  signatureHeader: string | undefined,
): boolean {
  if (!signatureHeader) return false;
  return twilio.validateRequest(authToken, signatureHeader, fullUrl, params);
}
