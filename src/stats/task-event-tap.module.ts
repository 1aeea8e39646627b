import { Module } from '@nestjs/common';
import { TaskEventTap } from './task-event-tap';

/** One TaskEventTap per app (modules are singletons: every importer shares it). */
@Module({ providers: [TaskEventTap], exports: [TaskEventTap] })
export class TaskEventTapModule {}
