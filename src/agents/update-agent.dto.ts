import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsByteLength, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { Role, ROLES } from './agent.entity';
import { CapacityDto, MAX_CAPACITY } from './capacity.dto';
import { SKILLS_SCHEMA } from './create-agent.dto';
import { IsSkillMap } from './skills.validator';
import { EMAIL_MAX_LENGTH, EXTENSION_PATTERN, NAME_MAX_LENGTH, NormalizeEmail, PASSWORD_MIN_LENGTH, Trim } from './agent-fields';
import { MAX_PASSWORD_BYTES } from '../auth/password-hasher';
import { IsOptionalNotNull } from '../common/validation';

/** Every field optional; `null` is only accepted where it means something (`extension: null` clears it). */
export class UpdateAgentDto {
  @ApiPropertyOptional({ maxLength: NAME_MAX_LENGTH })
  @IsOptionalNotNull() @Trim() @IsString() @Length(1, NAME_MAX_LENGTH)
  name?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull() @NormalizeEmail() @IsString() @MaxLength(EMAIL_MAX_LENGTH) @IsEmail({ require_tld: false })
  email?: string;

  @ApiPropertyOptional({ enum: ROLES, description: 'Only an admin may grant supervisor or admin' })
  @IsOptionalNotNull() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ ...SKILLS_SCHEMA, description: `${SKILLS_SCHEMA.description}; replaces the whole map` })
  @IsOptionalNotNull() @IsSkillMap()
  skills?: Record<string, number>;

  @ApiPropertyOptional({ type: CapacityDto, description: `Per channel 0..${MAX_CAPACITY}; omitted channels are unchanged` })
  @IsOptionalNotNull() @ValidateNested() @Type(() => CapacityDto)
  capacity?: CapacityDto;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN_LENGTH })
  @IsOptionalNotNull() @IsString() @MinLength(PASSWORD_MIN_LENGTH)
  @IsByteLength(0, MAX_PASSWORD_BYTES, { message: `password must be at most ${MAX_PASSWORD_BYTES} bytes` })
  password?: string;

  @ApiPropertyOptional({ description: "Supervisors only: this agent's email replies wait for approval" })
  @IsOptionalNotNull() @IsBoolean()
  repliesNeedApproval?: boolean;

  @ApiPropertyOptional({ nullable: true, example: '1001', description: 'null removes the extension' })
  @IsOptional() @Trim() @IsString() @Matches(EXTENSION_PATTERN, { message: 'extension must be 1-64 characters of A-Z a-z 0-9 + * # . _ @ : -' })
  extension?: string | null;
}
