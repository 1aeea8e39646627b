import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplatesModule } from '../../../templates/templates.module';
import { AutoRepliesController } from './auto-replies.controller';
import { AutoRepliesService } from './auto-replies.service';
import { AutoReplyRuleEntity } from './auto-reply-rule.entity';

/** Auto-reply rules of the email channel (REST `/api/auto-replies`) and the per-mail decision. */
@Module({
  imports: [TypeOrmModule.forFeature([AutoReplyRuleEntity]), TemplatesModule],
  controllers: [AutoRepliesController],
  providers: [AutoRepliesService],
  exports: [AutoRepliesService],
})
export class AutoRepliesModule {}
