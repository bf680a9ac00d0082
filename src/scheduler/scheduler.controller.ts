import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorators';
import { SchedulerService } from './scheduler.service';

@ApiTags('operations')
@Controller('v1/scheduler')
export class SchedulerController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Post('run')
  @HttpCode(200)
  @Auth('service')
  @ApiOperation({ summary: 'Run a scheduler pass now (operators); returns what it did' })
  run() {
    return this.scheduler.runPass();
  }
}
