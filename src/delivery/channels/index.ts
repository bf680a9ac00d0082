// What features outside delivery may use of the channels: the sender contract and WeChat's web authorisation.
export { errorText, type ChannelSender, type OutgoingMessage, type SendResult } from './channel-sender';
export { isRejectedOAuthCode, WeChatOAuthClient } from './wechat/wechat-oauth.client';
export { WeChatApiError } from './wechat/wechat.client';
