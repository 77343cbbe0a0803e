import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@workpoint/logging';
import { configureDcmpApp, dcmpAdapter, dcmpPortOf } from './dcmp.http';
import type { ProcessCoreDeps } from '@workpoint/runtime';
import { GatewayModule } from './gateway.module';
import { GatewayService } from './gateway.service';
import type { GatewaySettings } from './gateway.settings';

export interface RunningGateway {
  app: NestFastifyApplication;
  /** The HTTPS edge's port. */
  port: number;
  dcmpPort: number;
}

/**
 * Listens an initialised-or-not gateway app: Nest runs the bootstrap hooks first (topics, views,
 * then the HTTPS edge), then opens the DCMP listener on DCMP_HOST:DCMP_PORT.
 */
export async function listenGatewayApp(app: NestFastifyApplication, settings: GatewaySettings, logger: Logger): Promise<RunningGateway> {
  configureDcmpApp(app);
  await app.listen(settings.dcmpPort, settings.dcmpHost);
  const port = app.get(GatewayService).port!;
  const dcmpPort = dcmpPortOf(app);
  logger.info('gateway listening', {
    url: `https://${settings.host}:${port}/DeploymentService/LoginService`,
    dcmpUrl: `http://${settings.dcmpHost}:${dcmpPort}/dcmp/contact-me`,
    gatewayId: settings.gatewayId,
  });
  return { app, port, dcmpPort };
}

/** The gateway as its process (or the embedded one) runs it: a Nest Fastify app; `app.close()` stops it. */
export async function startGatewayApp(deps: Pick<ProcessCoreDeps, 'bus' | 'logger' | 'metrics'> & { settings: GatewaySettings }, nestLogger: LoggerService): Promise<RunningGateway> {
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(deps), dcmpAdapter(deps.settings, deps.logger), {
    logger: nestLogger,
    bodyParser: false,
    // A boot failure rejects (exitOnBootFailure reports it) instead of aborting the process.
    abortOnError: false,
  });
  return listenGatewayApp(app, deps.settings, deps.logger);
}
