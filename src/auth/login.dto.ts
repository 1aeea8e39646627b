import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { AgentView } from '../agents/agent-view.dto';

/**
 * Deliberately loose (no email-format check): a malformed email gets the same
 * 401 as a wrong password instead of a 400 that tells what was wrong.
 */
export class LoginDto {
  @ApiProperty({ example: 'admin@acd.local' })
  @IsString() @Length(1, 320)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString() @Length(1, 1024)
  password: string;
}

export class LoginResponse {
  @ApiProperty({ description: 'Bearer token, valid 12 hours' })
  accessToken: string;

  @ApiProperty({ type: AgentView })
  user: AgentView;
}
