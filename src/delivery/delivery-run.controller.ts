import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorators';
import { DeliveryRunner } from './delivery.runner';

@ApiTags('operations')
@Controller('v1/deliveries/run')
export class DeliveryRunController {
  constructor(private readonly runner: DeliveryRunner) {}

  @Post()
  @HttpCode(200)
  @Auth('service')
  @ApiOperation({ summary: 'Fan out produced notices and send every ready delivery now (operators); returns what it did' })
  run() {
    return this.runner.runOnce();
  }
}
