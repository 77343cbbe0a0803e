import { ClassifiedFailure, classifyFailure } from '@workpoint/messaging';
import { inventoryDeliveryFailure } from './inventory.controller';
import { InventoryError, type InventoryErrorCode } from './inventory.error';

describe('inventory Kafka edge: delivery outcome of each inventory error code', () => {
  it.each<[InventoryErrorCode, 'transient' | 'permanent']>([
    ['reply-without-action', 'permanent'],
    ['invalid-event', 'permanent'],
  ])('%s is %s for the delivery loop, and keeps its code and cause', (code, kind) => {
    const error = new InventoryError(code, 'refused');
    const mapped = inventoryDeliveryFailure(error);
    expect(mapped).toBeInstanceOf(ClassifiedFailure);
    expect(mapped).toMatchObject({ kind, code, cause: error });
    expect(classifyFailure(mapped)).toBe(kind);
    expect(error.kind).toBe(kind);
  });

  it('leaves other errors to the delivery loop’s own classifier', () => {
    const dbDown = Object.assign(new Error('the database system is starting up'), { code: '57P03' });
    expect(inventoryDeliveryFailure(dbDown)).toBe(dbDown);
    expect(classifyFailure(inventoryDeliveryFailure(dbDown))).toBe('transient');
  });
});
