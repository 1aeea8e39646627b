import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from './agent.entity';
import { PRESENCE_STATES, PresenceState } from '../presence/presence-state';

export class ChannelCountsView {
  @ApiProperty() voice: number;
  @ApiProperty() chat: number;
  @ApiProperty() email: number;
}

export class PresenceView {
  @ApiProperty({ enum: PRESENCE_STATES }) state: PresenceState;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ description: 'ISO 8601 time the state was entered' }) since: string;
}

/** An agent as the API shows it: durable profile plus live presence and load. Never carries secrets. */
export class AgentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { billing: 7 } }) skills: Record<string, number>;
  @ApiProperty({ type: ChannelCountsView }) capacity: ChannelCountsView;
  @ApiProperty({ type: String, nullable: true }) extension: string | null;
  @ApiProperty({ description: 'Email replies wait for a supervisor before they are sent' }) repliesNeedApproval: boolean;
  @ApiProperty({ type: PresenceView }) presence: PresenceView;
  @ApiProperty({ type: ChannelCountsView, description: 'Tasks held now (offered or assigned) per channel' }) load: ChannelCountsView;
}
