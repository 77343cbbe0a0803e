import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@workpoint/logging';
import type { Bus } from '@workpoint/messaging';
import { configureDcmpApp, dcmpAdapter, dcmpPortOf } from './dcmp.http';
import type { ProcessCoreDeps } from '@workpoint/runtime';
import { GatewayModule } from './gateway.module';
import { GatewayService } from './gateway.service';
import type { GatewaySettings } from './gateway.settings';
import type { TracingSettings } from '@workpoint/tracing';

/** The process's bus, logger, lifecycle and health settings; the embedded default adds a data source, so its readiness checks its PostgreSQL. */
export type GatewayAppDeps = Pick<ProcessCoreDeps, 'bus' | 'logger' | 'metrics' | 'lifecycle' | 'health' | 'dataSource'> & { settings: GatewaySettings; tracing?: TracingSettings };

export interface RunningGateway {
  app: NestFastifyApplication;
  /** The HTTPS edge's port. */
  port: number;
  dcmpPort: number;
  /** SIGTERM: in-flight phone requests answered, the edge closed; then stop the consumers and close the app. */
  drain(): Promise<void>;
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
  return { app, port, dcmpPort, drain: () => app.get(GatewayService).drain() };
}

/**
 * SIGTERM, once the process is draining (not ready): the phones in flight get their answers
 * while the consumers still run (gateway.drain), then every consumer of the bus stops, then
 * the app closes (DCMP, views, parse workers). The bus's producer is the caller's to close.
 */
export async function drainAndCloseGateway(gateway: RunningGateway, bus: Pick<Bus, 'stopConsuming'>): Promise<void> {
  await gateway.drain();
  await bus.stopConsuming();
  await gateway.app.close();
}

/** The gateway as its process (or the embedded one) runs it: a Nest Fastify app; `app.close()` stops it. */
export async function startGatewayApp(deps: GatewayAppDeps, nestLogger: LoggerService): Promise<RunningGateway> {
  const app = await NestFactory.create<NestFastifyApplication>(GatewayModule.register(deps), dcmpAdapter(deps.settings, deps.logger), {
    logger: nestLogger,
    bodyParser: false,
    // A boot failure rejects (exitOnBootFailure reports it) instead of aborting the process.
    abortOnError: false,
  });
  return listenGatewayApp(app, deps.settings, deps.logger);
}
