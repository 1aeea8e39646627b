import { ApiProperty } from '@nestjs/swagger';
import { Channel, CHANNELS } from '../tasks/channel';

export class QueueView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: CHANNELS }) channel: Channel;
  @ApiProperty({ type: [String] }) skills: string[];
  @ApiProperty() priority: number;
  @ApiProperty() slaSeconds: number;
  @ApiProperty() wrapUpSeconds: number;
  @ApiProperty() offerTimeoutSeconds: number;
  @ApiProperty() preferredAgentTimeoutSeconds: number;
  @ApiProperty({ description: 'Tasks waiting now' }) waiting: number;
  @ApiProperty({ description: 'Age of the oldest waiting task' }) longestWaitSeconds: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Share answered within the SLA today (0..1); null before the first answer' })
  serviceLevel: number | null;
  @ApiProperty({ description: 'Agents free to take a task of this queue now' }) agentsAvailable: number;
}
