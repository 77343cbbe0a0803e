export * from './inventory.module';
export * from './inventory.schema';
export * from './contact.use-case';
export * from './phone.repository';
export * from './entities/phone.entity';
export * from './entities/phone-report.entity';
export * from './contact-me.use-case';
export * from './inventory.retention';
