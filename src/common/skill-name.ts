/**
 * Skill names are routing keys (lane keys, agent indexes), so they are kept to
 * a small, case-free alphabet: lowercase letters, digits and `_ . -`, 1–64 chars.
 */
export const SKILL_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const MAX_SKILLS = 100;
export const MIN_PROFICIENCY = 1;
export const MAX_PROFICIENCY = 10;

export const isSkillName = (value: unknown): value is string => typeof value === 'string' && SKILL_NAME_PATTERN.test(value);

/** Lowercased, trimmed, unique and sorted: the canonical form of a required-skills list. */
export function normalizeSkillList(skills: readonly string[]): string[] {
  return [...new Set(skills.map((skill) => skill.trim().toLowerCase()))].sort();
}
