import { LoginRateLimiter } from './login-rate-limiter';

describe('LoginRateLimiter', () => {
  let now: number;
  const limiter = () => new LoginRateLimiter({ maxAttempts: 3, windowMs: 60_000, sweepThreshold: 2 }, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('refuses the attempt after the limit within the window, with a Retry-After', () => {
    const rl = limiter();
    for (let i = 0; i < 3; i++) expect(rl.hit('a@x', '1.1.1.1').allowed).toBe(true);
    now += 10_000;
    expect(rl.hit('a@x', '1.1.1.1')).toEqual({ allowed: false, retryAfterSeconds: 50 });
  });

  it('slides: attempts older than the window no longer count', () => {
    const rl = limiter();
    for (let i = 0; i < 3; i++) rl.hit('a@x', '1.1.1.1');
    now += 60_001;
    expect(rl.hit('a@x', '1.1.1.1').allowed).toBe(true);
  });

  it('keys on email and IP together', () => {
    const rl = limiter();
    for (let i = 0; i < 3; i++) rl.hit('a@x', '1.1.1.1');
    expect(rl.hit('a@x', '2.2.2.2').allowed).toBe(true);
    expect(rl.hit('b@x', '1.1.1.1').allowed).toBe(true);
  });

  it('forgets a key after a successful login', () => {
    const rl = limiter();
    for (let i = 0; i < 3; i++) rl.hit('a@x', '1.1.1.1');
    rl.reset('a@x', '1.1.1.1');
    expect(rl.hit('a@x', '1.1.1.1').allowed).toBe(true);
  });

  it('keeps counting correctly across sweeps of expired keys', () => {
    const rl = limiter();
    rl.hit('old@x', 'ip');
    now += 120_000;
    for (let i = 0; i < 3; i++) expect(rl.hit(`k${i}@x`, 'ip').allowed).toBe(true);
    for (let i = 0; i < 2; i++) rl.hit('k0@x', 'ip');
    expect(rl.hit('k0@x', 'ip').allowed).toBe(false);
  });
});
