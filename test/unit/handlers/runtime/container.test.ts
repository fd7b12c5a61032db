import { forgetContainer, lazily, oncePerContainer } from '../../../../src/handlers/runtime/container';

describe('container', () => {
  describe('oncePerContainer', () => {
    it('builds on first use and keeps the value for every later call', () => {
      const build = jest.fn(() => ({ clients: 1 }));
      const deps = oncePerContainer(build);

      expect(build).not.toHaveBeenCalled();
      const first = deps();
      expect(deps()).toBe(first);
      expect(build).toHaveBeenCalledTimes(1);
    });

    it('builds again after forgetContainer', () => {
      const build = jest.fn(() => ({}));
      const deps = oncePerContainer(build);
      const before = deps();

      forgetContainer();

      expect(deps()).not.toBe(before);
      expect(build).toHaveBeenCalledTimes(2);
    });

    it('tries again after a build that threw (a bad setting fails each invocation with its name)', () => {
      const build = jest
        .fn<{ ok: boolean }, []>()
        .mockImplementationOnce(() => {
          throw new Error('REGIONS: "xx" is not a region');
        })
        .mockImplementation(() => ({ ok: true }));
      const deps = oncePerContainer(build);

      expect(() => deps()).toThrow('REGIONS');
      expect(deps()).toEqual({ ok: true });
    });
  });

  describe('lazily', () => {
    it('builds the handler on its first invocation, once, and passes every argument on', async () => {
      const handle = jest.fn(async (event: string, context?: { id: string }) => `${event}:${context?.id ?? '-'}`);
      const build = jest.fn(() => handle);
      const handler = lazily(build);

      expect(build).not.toHaveBeenCalled();
      expect(await handler('a', { id: 'req-1' })).toBe('a:req-1');
      expect(await handler('b')).toBe('b:-');
      expect(build).toHaveBeenCalledTimes(1);
    });
  });
});
