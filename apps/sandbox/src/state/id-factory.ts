import { randomBytes } from 'node:crypto';

/** X's snowflake epoch (2010-11-04), so ids have the real 19-digit shape and grow with time. */
const X_EPOCH_MS = 1_288_834_974_657n;

/** Ids shaped like the real ones, unique within a sandbox process (also across resets: they embed the clock). */
export class IdFactory {
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  /** 17 digits, like "17889455560051444" (IG containers and media). */
  instagram(): string {
    return `178${this.digits(this.now() % 1e11, 11)}${this.digits(this.next() % 1000, 3)}`;
  }

  /** 16 digits, like "1116689038356556" (Facebook photo / post ids). */
  facebook(): string {
    return `1${this.digits(this.now() % 1e12, 12)}${this.digits(this.next() % 1000, 3)}`;
  }

  /** Snowflake: ms since X's epoch << 22 | sequence (tweets and media). */
  x(): string {
    return ((BigInt(this.now()) - X_EPOCH_MS) * 4_194_304n + BigInt(this.next() % 4096)).toString();
  }

  /** Graph's fbtrace_id: an opaque token that support would ask for. */
  trace(): string {
    return randomBytes(9).toString('base64url');
  }

  private next(): number {
    this.sequence += 1;
    return this.sequence;
  }

  private digits(n: number, width: number): string {
    return String(Math.floor(n)).padStart(width, '0');
  }
}
