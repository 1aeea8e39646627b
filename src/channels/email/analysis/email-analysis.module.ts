import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PriorityRuleEntity } from './priority-rule.entity';
import { PriorityRulesController } from './priority-rules.controller';
import { PriorityRulesService } from './priority-rules.service';

/**
 * Email analysis at ingestion (language, sentiment, intent, origin, priority)
 * and the supervisors' priority rules. Needs from outside: the TypeORM root
 * DataSource and the global STATE_STORE (change notices between nodes).
 */
@Module({
  imports: [TypeOrmModule.forFeature([PriorityRuleEntity])],
  controllers: [PriorityRulesController],
  providers: [PriorityRulesService],
  exports: [PriorityRulesService],
})
export class EmailAnalysisModule {}
