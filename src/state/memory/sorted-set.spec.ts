import { SortedSet } from './sorted-set';

describe('SortedSet', () => {
  it('orders by score, then by member, like a Redis sorted set', () => {
    const set = new SortedSet();
    set.add('c', 2);
    set.add('b', 2);
    set.add('a', 3);
    set.add('z', 1);
    expect(set.range(0, 10)).toEqual([[1, 'z'], [2, 'b'], [2, 'c'], [3, 'a']]);
    expect(set.first()).toEqual([1, 'z']);
    expect(set.size).toBe(4);
  });

  it('moves a member when it is added again with another score', () => {
    const set = new SortedSet();
    set.add('a', 1);
    set.add('b', 2);
    set.add('a', 5);
    expect(set.range(0, 10)).toEqual([[2, 'b'], [5, 'a']]);
    expect(set.score('a')).toBe(5);
    expect(set.size).toBe(2);
  });

  it('removes members, reporting whether they were there', () => {
    const set = new SortedSet();
    set.add('a', 1);
    expect(set.remove('a')).toBe(true);
    expect(set.remove('a')).toBe(false);
    expect(set.size).toBe(0);
    expect(set.first()).toBeUndefined();
    expect(set.score('a')).toBeUndefined();
  });

  it('pages with offset and limit, and reads up to a maximum score', () => {
    const set = new SortedSet();
    for (let i = 1; i <= 6; i++) set.add(`m${i}`, i * 10);
    expect(set.range(2, 2)).toEqual([[30, 'm3'], [40, 'm4']]);
    expect(set.range(5, 10)).toEqual([[60, 'm6']]);
    expect(set.range(0, 0)).toEqual([]);
    expect(set.upTo(30, 10)).toEqual([[10, 'm1'], [20, 'm2'], [30, 'm3']]);
    expect(set.upTo(60, 2)).toEqual([[10, 'm1'], [20, 'm2']]);
    expect(set.upTo(5, 10)).toEqual([]);
  });
});
