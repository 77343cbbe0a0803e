import { DeadLetterEntity } from '@workpoint/messaging';
import { InventoryDeadLetter1764115200090 } from './migrations/1764115200090-inventory-dead-letter';
import { InventoryOutboxEvents1764115200095 } from './migrations/1764115200095-inventory-outbox-events';
import { OutboxEntity } from '@workpoint/database';
import { ContactMeRequestEntity } from './entities/contact-me-request.entity';
import { InventoryContactMeRequest1764115200036 } from './migrations/1764115200036-inventory-contact-me-request';
import { InventoryOutbox1764115200037 } from './migrations/1764115200037-inventory-outbox';
import { PhoneEntity } from './entities/phone.entity';
import { PhoneReportEntity } from './entities/phone-report.entity';
import { ReplyFragmentEntity } from './entities/reply-fragment.entity';
import { ContactMeAttemptEntity } from './entities/contact-me-attempt.entity';
import { ReadRequestEntity } from './entities/read-request.entity';
import { InventoryContactMeAttempts1764115200008 } from './migrations/1764115200008-inventory-contact-me-attempts';
import { InventoryReadRequested1764115200009 } from './migrations/1764115200009-inventory-read-requested';
import { InventoryReplyFragments1764115200005 } from './migrations/1764115200005-inventory-reply-fragments';
import { InventoryInitial1764115200000 } from './migrations/1764115200000-inventory-initial';
import { InventoryIntegrationEvents1764115200011 } from './migrations/1764115200011-inventory-integration-events';
import { InventoryContactMeRefusal1764115200035 } from './migrations/1764115200035-inventory-contact-me-refusal';
import { InventoryReplyFragmentBytes1764115200030 } from './migrations/1764115200030-inventory-reply-fragment-bytes';

/** Everything the inventory service owns in PostgreSQL. */
export const INVENTORY_SCHEMA = {
  schema: 'inventory',
  entities: [PhoneEntity, PhoneReportEntity, ReplyFragmentEntity, ContactMeAttemptEntity, ReadRequestEntity, ContactMeRequestEntity, OutboxEntity, DeadLetterEntity],
  migrations: [InventoryInitial1764115200000, InventoryReplyFragments1764115200005, InventoryContactMeAttempts1764115200008, InventoryReadRequested1764115200009, InventoryIntegrationEvents1764115200011, InventoryReplyFragmentBytes1764115200030, InventoryContactMeRefusal1764115200035, InventoryContactMeRequest1764115200036, InventoryOutbox1764115200037, InventoryDeadLetter1764115200090, InventoryOutboxEvents1764115200095],
};
