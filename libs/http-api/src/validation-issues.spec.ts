import { z } from 'zod';
import { formatIssuePath, issueDetails } from './validation-issues';

describe('formatIssuePath', () => {
  it.each([
    [[], 'body'],
    [['items', 2, 'name'], 'body.items[2].name'],
    [['a b'], 'body["a b"]'],
    [['1x'], 'body["1x"]'],
    [[0], 'body[0]'],
  ])('%j → %s', (path, expected) => {
    expect(formatIssuePath('body', path)).toBe(expected);
  });

  it('turns zod issues into path + message details', () => {
    const result = z.object({ items: z.array(z.object({ name: z.string() })) }).safeParse({ items: [{ name: 'a' }, {}] });
    expect(result.success).toBe(false);
    expect(issueDetails('body', result.error!.issues)).toEqual([{ path: 'body.items[1].name', message: expect.stringContaining('expected string') }]);
  });
});
