// Remembers the most recent ids in two bounded generations: catches repeats within a window, memory stays flat.
export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly window: number) {}

  /** True when `id` was seen within the window; records it otherwise. */
  seen(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return true;
    this.current.add(id);
    if (this.current.size >= this.window) {
      this.previous = this.current;
      this.current = new Set();
    }
    return false;
  }
}
