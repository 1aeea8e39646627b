import BTree from 'sorted-btree';

type Entry = [score: number, member: string];

/** Same order as a Redis sorted set: by score, then by member (binary string order). */
const compareEntries = (a: Entry, b: Entry): number =>
  a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

/**
 * A Redis-like sorted set for the in-process store: O(log n) add, remove and
 * head, backed by a B+ tree (sorted-btree) plus a member → score map.
 */
export class SortedSet {
  private readonly tree = new BTree<Entry, true>(undefined, compareEntries);
  private readonly scores = new Map<string, number>();

  get size(): number {
    return this.scores.size;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  add(member: string, score: number): void {
    const old = this.scores.get(member);
    if (old !== undefined) this.tree.delete([old, member]);
    this.scores.set(member, score);
    this.tree.set([score, member], true);
  }

  remove(member: string): boolean {
    const old = this.scores.get(member);
    if (old === undefined) return false;
    this.tree.delete([old, member]);
    this.scores.delete(member);
    return true;
  }

  /** Up to `limit` members from position `offset`, lowest score first. */
  range(offset: number, limit: number): Entry[] {
    const out: Entry[] = [];
    let index = 0;
    for (const key of this.tree.keys()) {
      if (out.length >= limit) break;
      if (index++ >= offset) out.push([key[0], key[1]]);
    }
    return out;
  }

  /** Members with score ≤ max, lowest first, at most `limit`. */
  upTo(max: number, limit: number): Entry[] {
    const out: Entry[] = [];
    for (const key of this.tree.keys()) {
      if (out.length >= limit || key[0] > max) break;
      out.push([key[0], key[1]]);
    }
    return out;
  }

  first(): Entry | undefined {
    return this.tree.minKey();
  }
}
