import { validatePayload } from '../common/ws-validation';
import { CreateAgentDto } from './create-agent.dto';
import { UpdateAgentDto } from './update-agent.dto';
import { mergeCapacity, DEFAULT_CAPACITY } from './capacity.dto';
import { skillMapProblem } from './skills.validator';

const valid = { name: 'Alice', email: ' Alice@Example.COM ', password: 'secret-123' };

async function errorsOf<T extends object>(dto: new () => T, payload: object): Promise<string[]> {
  const result = await validatePayload(dto, payload);
  return result.ok ? [] : (result.error.details ?? [result.error.message]);
}

describe('agent DTOs', () => {
  it('accepts a minimal agent and normalizes the email', async () => {
    const result = await validatePayload(CreateAgentDto, valid);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.email).toBe('alice@example.com');
  });

  describe('skills', () => {
    it.each([
      [{ billing: 1, 'fr.voice_2-b': 10 }, null],
      [{ Billing: 5 }, /invalid skill name "Billing"/],
      [{ '-x': 5 }, /invalid skill name/],
      [{ ['a'.repeat(65)]: 5 }, /invalid skill name/],
      [{ billing: 0 }, /invalid proficiency for "billing"/],
      [{ billing: 11 }, /invalid proficiency/],
      [{ billing: 2.5 }, /invalid proficiency/],
      [{ billing: '5' }, /invalid proficiency/],
      [['billing'], /must be an object/],
      ['billing', /must be an object/],
    ])('%j → %s', (skills, problem) => {
      const found = skillMapProblem(skills);
      if (problem === null) expect(found).toBeNull();
      else expect(found).toMatch(problem);
    });

    it('reports the offending skill in the validation message', async () => {
      const errors = await errorsOf(CreateAgentDto, { ...valid, skills: { Sales: 3 } });
      expect(errors).toEqual([expect.stringMatching(/^skills has an invalid skill name "Sales"/)]);
    });
  });

  describe('capacity', () => {
    it('accepts integers 0..20 per channel', async () => {
      expect(await errorsOf(CreateAgentDto, { ...valid, capacity: { voice: 0, chat: 20, email: 5 } })).toEqual([]);
    });

    it.each([
      [{ voice: 21 }, 'capacity.voice must not be greater than 20'],
      [{ chat: -1 }, 'capacity.chat must not be less than 0'],
      [{ email: 1.5 }, 'capacity.email must be an integer number'],
      [{ fax: 1 }, 'property capacity.fax should not exist'],
    ])('%j is rejected with "%s"', async (capacity, message) => {
      expect(await errorsOf(CreateAgentDto, { ...valid, capacity })).toContain(message);
    });

    it('fills omitted channels from the base', () => {
      expect(mergeCapacity(DEFAULT_CAPACITY, { chat: 5 })).toEqual({ voice: 1, chat: 5, email: 2 });
      expect(mergeCapacity({ voice: 0, chat: 0, email: 9 }, undefined)).toEqual({ voice: 0, chat: 0, email: 9 });
    });
  });

  it('rejects unknown fields, short passwords and unknown roles', async () => {
    const errors = await errorsOf(CreateAgentDto, { ...valid, password: 'short', role: 'root', isAdmin: true });
    expect(errors).toEqual(
      expect.arrayContaining([
        'property isAdmin should not exist',
        'password must be longer than or equal to 8 characters',
        expect.stringMatching(/^role must be one of the following values/),
      ]),
    );
  });

  it('rejects passwords bcrypt would truncate', async () => {
    expect(await errorsOf(CreateAgentDto, { ...valid, password: 'é'.repeat(40) })).toEqual(['password must be at most 72 bytes']);
  });

  describe('update', () => {
    it('accepts an empty patch and extension: null (clears it)', async () => {
      expect(await errorsOf(UpdateAgentDto, {})).toEqual([]);
      expect(await errorsOf(UpdateAgentDto, { extension: null })).toEqual([]);
    });

    it('refuses null for required columns', async () => {
      const errors = await errorsOf(UpdateAgentDto, { name: null, skills: null, capacity: null });
      expect(errors).toEqual(expect.arrayContaining(['name must be a string', expect.stringMatching(/^skills must be an object/)]));
      expect(errors.length).toBeGreaterThanOrEqual(3);
    });
  });
});
