import { validatePayload } from '../common/ws-validation';
import { CreateQueueDto } from './create-queue.dto';
import { UpdateQueueDto } from './update-queue.dto';

describe('queue DTOs', () => {
  it('normalizes skills: lowercase, unique, sorted', async () => {
    const result = await validatePayload(CreateQueueDto, { name: ' Support FR ', channel: 'chat', skills: ['French', 'billing', 'french '] });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.skills).toEqual(['billing', 'french']);
      expect(result.value.name).toBe('Support FR');
    }
  });

  it.each([
    [{ channel: 'fax' }, /^channel must be one of/],
    [{ priority: 101 }, /^priority must not be greater than 100/],
    [{ priority: -1 }, /^priority must not be less than 0/],
    [{ skills: ['bad skill'] }, /^each skill must match/],
    [{ skills: 'billing' }, /^skills must be an array/],
    [{ name: '3f2b8c1e-6a4d-4f3e-9b2a-1c2d3e4f5a6b' }, /^name must not be a UUID/],
    [{ slaSeconds: 0 }, /^slaSeconds must not be less than 1/],
  ])('rejects %j', async (override, message) => {
    const result = await validatePayload(CreateQueueDto, { name: 'q', channel: 'voice', ...override });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.details).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });

  it('allows a partial update but not nulls', async () => {
    expect((await validatePayload(UpdateQueueDto, { priority: 5 })).ok).toBe(true);
    expect((await validatePayload(UpdateQueueDto, { priority: null })).ok).toBe(false);
  });
});
