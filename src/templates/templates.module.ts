import { Logger, Module } from '@nestjs/common';
import { CONFIG, Config } from '../config/config';
import { TemplateRegistry } from './template-registry';
import { TemplatesController } from './templates.controller';

/** The message templates, compiled once at start-up; a missing template or unknown variable stops Herald, naming the file. */
@Module({
  controllers: [TemplatesController],
  providers: [
    {
      provide: TemplateRegistry,
      inject: [CONFIG],
      useFactory: (config: Config) => {
        const registry = TemplateRegistry.load(config.templatesDir);
        new Logger('Templates').log(`loaded ${registry.fileCount} template files from ${registry.dir}`);
        return registry;
      },
    },
  ],
  exports: [TemplateRegistry],
})
export class TemplatesModule {}
