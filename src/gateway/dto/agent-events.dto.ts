import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PresenceState } from '../../presence/presence-state';
import { NOTES_MAX_LENGTH } from '../../tasks/task.entity';

export class PresenceSetPayload {
  @IsIn(['available', 'away', 'offline'])
  state: PresenceState;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  reason?: string;
}

export class OfferAcceptPayload {
  @IsUUID()
  offerId: string;
}

export class OfferRejectPayload {
  @IsUUID()
  offerId: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

export class TaskCompletePayload {
  @IsUUID()
  taskId: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  disposition?: string;

  @IsOptional()
  @IsString()
  @MaxLength(NOTES_MAX_LENGTH)
  notes?: string;
}

export class TaskNotesPayload {
  @IsUUID()
  taskId: string;

  /** Empty clears the notes. */
  @IsString()
  @MaxLength(NOTES_MAX_LENGTH)
  notes: string;
}
