/**
 * Finding every occurrence of many keys in one pass (Aho–Corasick): building costs the total length
 * of the keys, scanning costs the length of the text, however many keys there are. A call carrying
 * 5,000 metadata values redacts a provider message as fast as one carrying five; one regex
 * alternative per value cost seconds.
 */

/** Where the longest key ending at one position starts (in normalised units), and its length. */
export interface KeyMatch {
  start: number;
  end: number;
}

/** Index of a lower-case ASCII letter or digit (what normalised text mostly is), else -1. */
function symbol(unit: number): number {
  if (unit >= 48 && unit <= 57) return unit - 48;
  if (unit >= 97 && unit <= 122) return unit - 87;
  return -1;
}

export class KeyAutomaton {
  /**
   * Transitions on ASCII letters and digits, keyed `node * 36 + symbol`: one Map rather than one per
   * node, with small-integer keys (a `node * 65536` key stops being one past 32,768 nodes and made
   * building 5,000 values' automaton slow). Other units go through {@link #other}.
   */
  readonly #next = new Map<number, number>();
  readonly #other = new Map<string, number>();
  readonly #fail: number[] = [0];
  /** Length of the longest key ending at each node, through its failure links (0: none). */
  readonly #best: number[] = [0];
  readonly #children: number[][] = [[]];
  #size = 0;

  constructor(keys: Iterable<string>) {
    const terminal: number[] = [0];
    for (const key of keys) {
      let node = 0;
      for (let i = 0; i < key.length; i++) {
        let child = this.#get(node, key.charCodeAt(i));
        if (child === undefined) {
          child = this.#fail.length;
          this.#set(node, key.charCodeAt(i), child);
          this.#fail.push(0);
          this.#best.push(0);
          this.#children.push([]);
          terminal.push(0);
          (this.#children[node] as number[]).push(key.charCodeAt(i));
        }
        node = child;
      }
      if (key.length > 0) {
        terminal[node] = key.length;
        this.#size++;
      }
    }
    // Breadth first, so that a node's failure target (shallower) is complete before the node.
    const queue: number[] = [0];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q] as number;
      for (const unit of this.#children[node] as number[]) {
        const child = this.#get(node, unit) as number;
        let f = this.#fail[node] as number;
        let target = 0;
        if (node !== 0) {
          for (;;) {
            const t = this.#get(f, unit);
            if (t !== undefined) {
              target = t;
              break;
            }
            if (f === 0) break;
            f = this.#fail[f] as number;
          }
        }
        this.#fail[child] = target;
        this.#best[child] = (terminal[child] as number) || (this.#best[target] as number);
        queue.push(child);
      }
    }
  }

  #get(node: number, unit: number): number | undefined {
    const sym = symbol(unit);
    return sym >= 0 ? this.#next.get(node * 36 + sym) : this.#other.get(`${node},${unit}`);
  }

  #set(node: number, unit: number, child: number): void {
    const sym = symbol(unit);
    if (sym >= 0) this.#next.set(node * 36 + sym, child);
    else this.#other.set(`${node},${unit}`, child);
  }

  /** How many keys it holds. */
  get size(): number {
    return this.#size;
  }

  /** For each position where a key ends, the longest such key, in order of their ends. */
  *scan(text: string): Generator<KeyMatch> {
    if (this.#size === 0) return;
    let node = 0;
    for (let j = 0; j < text.length; j++) {
      const unit = text.charCodeAt(j);
      for (;;) {
        const t = this.#get(node, unit);
        if (t !== undefined) {
          node = t;
          break;
        }
        if (node === 0) break;
        node = this.#fail[node] as number;
      }
      const length = this.#best[node] as number;
      if (length > 0) yield { start: j + 1 - length, end: j + 1 };
    }
  }
}
