/** The part of an engine request id before `#`: samples of an `n > 1` request share it. */
export function parentRequestId(requestId: string): string {
  const hash = requestId.indexOf("#");
  return hash < 0 ? requestId : requestId.slice(0, hash);
}

/** True for the id of one sample of an `n > 1` request (`cmpl-…#1`). */
export function isSampleId(requestId: string): boolean {
  return requestId.includes("#");
}

// The golden angle: each new hue lands in the widest gap the earlier ones left, so any few
// requests in flight at once get clearly different colours (a hash of the id can collide).
const GOLDEN_ANGLE = 137.508;

/**
 * Gives every request a colour the first time it is seen and keeps it for the page's life;
 * samples (`id#k`) take their parent's colour.
 */
export class RequestColors {
  private readonly hues = new Map<string, number>();

  /** A CSS colour for the request (or its parent). */
  colorOf(requestId: string): string {
    return `hsl(${this.hueOf(requestId).toFixed(1)} 70% 52%)`;
  }

  /** The hue in degrees, assigned on first sight. */
  hueOf(requestId: string): number {
    const parent = parentRequestId(requestId);
    let hue = this.hues.get(parent);
    if (hue === undefined) {
      hue = (this.hues.size * GOLDEN_ANGLE + 200) % 360;
      this.hues.set(parent, hue);
    }
    return hue;
  }
}

/**
 * A short label for a request id: its prefix and the last 6 characters (`cmpl-…e4f2a1`), and the
 * sample suffix if any. Server ids carry 32 hex digits, too wide for chips and legends.
 */
export function shortRequestId(requestId: string): string {
  const parent = parentRequestId(requestId);
  const sample = requestId.slice(parent.length);
  const dash = parent.indexOf("-");
  const head = dash < 0 ? "" : parent.slice(0, dash + 1);
  const rest = parent.slice(head.length);
  return `${head}${rest.length > 8 ? `…${rest.slice(-6)}` : rest}${sample}`;
}
