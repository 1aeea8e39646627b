import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplateRenderer } from './template-renderer';
import { TemplateEntity } from './template.entity';
import { TemplatesController } from './templates.controller';
import { TemplatesService } from './templates.service';

/** Reply templates with merge fields (REST `/api/templates`), rendered for replies, auto-replies and acknowledgements. */
@Module({
  imports: [TypeOrmModule.forFeature([TemplateEntity])],
  controllers: [TemplatesController],
  providers: [TemplateRenderer, TemplatesService],
  exports: [TemplatesService, TemplateRenderer],
})
export class TemplatesModule {}
