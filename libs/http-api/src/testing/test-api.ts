import type { Server } from 'node:http';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestLoggerAdapter, type Logger } from '@workpoint/logging';
import { ApiHttpModule, boundPort, createApiApp } from '../api-http.module';
import type { ApiHttpOptions } from '../api-http.options';

@Module({})
class TestApiModule {}

export interface TestApi {
  base: string;
  server: Server;
  close(): Promise<void>;
}

/** An API app of the given controllers on 127.0.0.1 and a port the OS picks, built as a real one is (createApiApp). */
export async function startTestApi(controllers: Type<unknown>[], options: ApiHttpOptions & { logger: Logger }): Promise<TestApi> {
  const module: DynamicModule = { module: TestApiModule, imports: [ApiHttpModule.forRoot(options)], controllers };
  const app = await createApiApp(module, new NestLoggerAdapter(options.logger));
  await app.listen(0, '127.0.0.1');
  return { base: `http://127.0.0.1:${boundPort(app)}`, server: app.getHttpServer(), close: () => app.close() };
}
