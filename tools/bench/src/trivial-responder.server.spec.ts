import { request } from 'node:https';
import { SimulatedPhone, runStorm } from '@workpoint/phone-sim';
import { startTrivialResponder, type TrivialResponder } from './trivial-responder.server';

describe('trivial responder', () => {
  let responder: TrivialResponder;
  beforeAll(async () => {
    responder = await startTrivialResponder({ tlsKeyType: 'ec' });
  });
  afterAll(() => responder.stop());

  it('is a correct peer for the simulator', async () => {
    const result = await new SimulatedPhone({ mac: '00:1A:E8:00:00:01', urls: responder.urls }).startUp();
    expect(result).toMatchObject({ ok: true, actions: ['ReadAllItems', 'CleanUp'] });
  });

  it('serves a storm without failures', async () => {
    const before = responder.answered();
    const result = await runStorm({ phones: 20, concurrency: 5, urls: responder.urls, itemCount: 50 });
    expect(result).toMatchObject({ completedOk: 20, failed: 0, exchanges: 40 });
    expect(responder.answered() - before).toBe(40);
  });

  it('refuses anything but POST', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(responder.urls[0], { method: 'GET', rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(405);
  });
});
