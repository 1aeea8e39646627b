import { ValidateIf, ValidationError, ValidationOptions } from 'class-validator';

/**
 * Flattens class-validator errors into readable messages with the property
 * path (`capacity.voice must not be greater than 20`), for HTTP and sockets alike.
 */
export function flattenValidationErrors(errors: ValidationError[], parentPath = ''): string[] {
  const messages: string[] = [];
  for (const error of errors) {
    const path = parentPath ? `${parentPath}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      messages.push(parentPath ? withPath(constraint, message, error.property, path) : message);
    }
    if (error.children && error.children.length > 0) {
      messages.push(...flattenValidationErrors(error.children, path));
    }
  }
  return messages;
}

/** class-validator names only the bare property in its messages; a nested one needs its full path. */
function withPath(constraint: string, message: string, property: string, path: string): string {
  if (constraint === 'whitelistValidation') return `property ${path} should not exist`;
  if (message.startsWith(property)) return `${path}${message.slice(property.length)}`;
  return `${path}: ${message}`;
}

/**
 * Like `@IsOptional()` but only for an absent property: an explicit `null` is
 * still validated (and rejected), so a PATCH cannot null a required column.
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined, options);
}

/** Postgres unique-constraint violation (SQLSTATE 23505), e.g. a race on a unique email or name. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const driverError = (error as { driverError?: { code?: unknown } }).driverError;
  const code = driverError?.code ?? (error as { code?: unknown }).code;
  return code === '23505';
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);
