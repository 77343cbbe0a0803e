export * from './gateway.module';
export * from './gateway.service';
export * from './phone-request.handler';
export * from './response-waiter';
export * from './session-cookie';
export * from './https-edge';
