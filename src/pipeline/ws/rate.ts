/**
 * A token bucket per connection: `capacity` tokens at once (frames, or audio bytes), refilled at `perMinute`. Pure: the caller
 * passes the clock, so it is tested without timers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly capacity: number, private readonly perMinute: number, now: number) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes `cost` tokens (one frame, or a frame's bytes); false when there are fewer (the frame is refused). */
  take(now: number, cost = 1): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
