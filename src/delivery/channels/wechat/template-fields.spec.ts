import { fitField, templateData } from './template-fields';

describe('WeChat template field limits', () => {
  it.each([
    ['thing1', '资源'.repeat(15), 20],
    ['character_string2', 'A'.repeat(40), 32],
    ['number3', '9'.repeat(40), 32],
    ['letter4', 'x'.repeat(40), 32],
    ['symbol5', '!'.repeat(9), 5],
    ['phrase6', '即将到期了啊', 5],
    ['phone_number7', '+86-0755-8888888888', 17],
    ['car_number8', '粤B123456挂', 8],
    ['name9', '欧阳'.repeat(6), 10],
    ['name10', 'Alexandra Catherine Smith', 20],
  ])('cuts %s to its limit', (key, value, limit) => {
    expect([...fitField(key, value)]).toHaveLength(limit);
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    expect(fitField('thing1', '𠮷'.repeat(20))).toBe('𠮷'.repeat(20));
    expect([...fitField('thing1', '𠮷'.repeat(21))]).toHaveLength(20);
  });

  it('marks a cut thing with an ellipsis and cuts identifiers plainly', () => {
    expect(fitField('thing1', 'a'.repeat(25))).toBe(`${'a'.repeat(19)}…`);
    expect(fitField('character_string1', 'b'.repeat(33))).toBe('b'.repeat(32));
  });

  it('counts a mixed Chinese and Latin name by the Chinese limit', () => {
    expect([...fitField('name1', '张三Zhang San Feng')]).toHaveLength(10);
  });

  it('leaves amounts, dates, times and legacy keys alone', () => {
    const long = 'x'.repeat(50);
    for (const key of ['amount1', 'time2', 'date3', 'const4', 'first', 'keyword1', 'remark']) expect(fitField(key, long)).toBe(long);
  });

  it('replaces line breaks in typed values, which WeChat refuses', () => {
    expect(fitField('thing1', '第一行\n第二行')).toBe('第一行 第二行');
  });

  it('wraps every value as { value }', () => {
    expect(templateData({ thing1: 'a', time2: 'b' })).toEqual({ thing1: { value: 'a' }, time2: { value: 'b' } });
  });
});
