import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QualityController } from './quality.controller';
import { QualityReviewEntity, QualitySampleEntity } from './quality.entity';
import { QualityService } from './quality.service';

@Module({
  imports: [TypeOrmModule.forFeature([QualitySampleEntity, QualityReviewEntity])],
  controllers: [QualityController],
  providers: [QualityService],
})
export class QualityModule {}
