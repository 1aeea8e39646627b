import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isSkillName, MAX_PROFICIENCY, MAX_SKILLS, MIN_PROFICIENCY, SKILL_NAME_PATTERN } from '../common/skill-name';

/** Why `value` is not a valid `{[skill]: proficiency}` map, or null when it is. */
export function skillMapProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object mapping skill names to a proficiency 1..10';
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_SKILLS) return `must not have more than ${MAX_SKILLS} skills`;
  for (const [skill, proficiency] of entries) {
    if (!isSkillName(skill)) {
      return `has an invalid skill name "${skill}" (lowercase, must match ${SKILL_NAME_PATTERN.source})`;
    }
    if (typeof proficiency !== 'number' || !Number.isInteger(proficiency) || proficiency < MIN_PROFICIENCY || proficiency > MAX_PROFICIENCY) {
      return `has an invalid proficiency for "${skill}" (must be an integer ${MIN_PROFICIENCY}..${MAX_PROFICIENCY})`;
    }
  }
  return null;
}

/**
 * Validates an agent's skill map. Its keys are data, not properties, so the
 * ValidationPipe's whitelist cannot check them; this does.
 */
export function IsSkillMap(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isSkillMap',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown) => skillMapProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'skills'} ${skillMapProblem(args?.value) ?? 'is invalid'}`,
      },
    });
  };
}
