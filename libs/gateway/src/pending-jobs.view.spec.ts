import { PendingJobsView } from './pending-jobs.view';

const MAC = '00:1A:E8:00:00:01';
const OTHER = '00:1A:E8:00:00:02';
const at = '2025-01-01T00:00:00.000Z';

describe('PendingJobsView', () => {
  it('keeps the count of each service for a phone', () => {
    const view = new PendingJobsView();
    view.apply('configuration', { mac: MAC, queued: 2, at });
    view.apply('deployment', { mac: MAC, queued: 1, at });
    expect(view.countsOf(MAC)).toEqual({ configuration: 2, deployment: 1 });
    expect(view.hasPending(MAC)).toBe(true);
    expect(view.hasPending(OTHER)).toBe(false);
  });

  it('keeps a phone pending while either service still has a job for it', () => {
    const view = new PendingJobsView();
    view.apply('configuration', { mac: MAC, queued: 1, at });
    view.apply('deployment', { mac: MAC, queued: 3, at });
    view.apply('configuration', { mac: MAC, queued: 0, at });
    expect(view.countsOf(MAC)).toEqual({ configuration: 0, deployment: 3 });
    expect(view.hasPending(MAC)).toBe(true);
  });

  it('drops a phone once both services report zero', () => {
    const view = new PendingJobsView();
    view.apply('configuration', { mac: MAC, queued: 1, at });
    view.apply('deployment', { mac: OTHER, queued: 1, at });
    view.apply('configuration', { mac: MAC, queued: 0, at });
    expect(view.hasPending(MAC)).toBe(false);
    expect(view.countsOf(MAC)).toBeUndefined();
    expect(view.size).toBe(1);
  });

  it('keeps no entry for a zero count of a phone it never saw pending', () => {
    const view = new PendingJobsView();
    view.apply('deployment', { mac: MAC, queued: 0, at });
    expect(view.size).toBe(0);
  });

  it('takes the latest update as it arrives, as compaction keeps it', () => {
    const view = new PendingJobsView();
    view.apply('configuration', { mac: MAC, queued: 5, at: '2025-01-01T00:00:02.000Z' });
    view.apply('configuration', { mac: MAC, queued: 4, at: '2025-01-01T00:00:01.000Z' });
    expect(view.countsOf(MAC)).toEqual({ configuration: 4, deployment: 0 });
  });

  it('hands out copies, so callers cannot change the view', () => {
    const view = new PendingJobsView();
    view.apply('configuration', { mac: MAC, queued: 1, at });
    view.countsOf(MAC)!.configuration = 0;
    expect(view.countsOf(MAC)).toEqual({ configuration: 1, deployment: 0 });
  });
});
