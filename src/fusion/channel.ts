type Listener<T> = (value: T) => void;

/** A tiny typed event channel that remembers its last value; emit is synchronous, listeners must be cheap. */
export class Channel<T> {
  private listeners = new Set<Listener<T>>();
  private last: T | null = null;
  subscribe(fn: Listener<T>): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  emit(value: T): void {
    this.last = value;
    for (const fn of this.listeners) fn(value);
  }
  latest(): T | null {
    return this.last;
  }
}
