import { RelayLoop } from './relay-loop';

describe('RelayLoop', () => {
  it('runs one pass at a time, and a kick during a pass makes exactly one more', async () => {
    let passes = 0;
    let release!: () => void;
    const loop = new RelayLoop(
      () => {
        passes++;
        return passes === 1 ? new Promise<void>((r) => (release = r)) : Promise.resolve();
      },
      () => undefined,
      60_000,
    );
    const first = loop.kick();
    void loop.kick();
    void loop.kick();
    expect(passes).toBe(1);
    release();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(passes).toBe(2);
    await loop.stop();
  });

  it('hands a failed pass to onError and takes the next kick', async () => {
    const errors: unknown[] = [];
    let fail = true;
    let passes = 0;
    const loop = new RelayLoop(
      async () => {
        passes++;
        if (fail) throw new Error('database down');
      },
      (error) => errors.push(error),
      60_000,
    );
    await loop.kick();
    fail = false;
    await loop.kick();
    expect(errors).toEqual([new Error('database down')]);
    expect(passes).toBe(2);
    await loop.stop();
  });

  it('makes no pass after stop', async () => {
    let passes = 0;
    const loop = new RelayLoop(async () => void passes++, () => undefined, 60_000);
    await loop.stop();
    await loop.kick();
    expect([passes, loop.isStopped]).toEqual([0, true]);
  });
});
