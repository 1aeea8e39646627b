import { IsIn, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PresenceState } from '../../presence/presence-state';

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
}
