/**
 * Length limits of category template message values by the key's type prefix (`thing3` → `thing`), in characters
 * counted as Unicode code points, from WeChat's "类目模板消息" parameter table:
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 * thing 20; character_string, number, letter 32; symbol 5; phrase 5 (汉字); phone_number 17; car_number 8;
 * name 10 汉字 or 20 letters (mixed counts as 汉字). Over-long values are rejected with 47003.
 * amount (symbol + 10 digits), time, date, const and enum are format-checked rather than length-checked, and cutting
 * them would state a wrong sum or date, so they pass through for WeChat to judge.
 */
const LIMITS: Record<string, number> = {
  thing: 20,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
  phrase: 5,
  phone_number: 17,
  car_number: 8,
};
const NAME_LATIN_LIMIT = 20;
const NAME_CJK_LIMIT = 10;

/** The type part of a template key; legacy keys such as `first`, `keyword1`, `remark` have no listed limit. */
export const fieldType = (key: string): string => key.replace(/\d+$/, '');

export function fieldLimit(key: string, value: string): number | undefined {
  const type = fieldType(key);
  if (type === 'name') return /^[\x20-\x7e]*$/.test(value) ? NAME_LATIN_LIMIT : NAME_CJK_LIMIT;
  return LIMITS[type];
}

/** Cuts one value to its type's limit; `thing` is free text, so its cut is marked with an ellipsis. */
export function fitField(key: string, value: string): string {
  const limit = fieldLimit(key, value);
  if (limit === undefined) return value;
  // WeChat's typed values take no control characters or line breaks.
  const points = [...value.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim()];
  if (points.length <= limit) return points.join('');
  return fieldType(key) === 'thing' ? `${points.slice(0, limit - 1).join('')}…` : points.slice(0, limit).join('');
}

/** The `data` object of a template send, every value within its limit. */
export function templateData(values: Record<string, string>): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value: fitField(key, value) }]));
}
