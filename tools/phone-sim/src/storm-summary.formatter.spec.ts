import type { InteractionResult } from './interaction-result.types';
import { formatInteraction } from './storm-summary.formatter';

describe('formatInteraction', () => {
  const exchange = (index: number, sent: string, action: string): InteractionResult['exchanges'][number] => ({
    index,
    url: 'https://dls.test/DeploymentService/LoginService',
    sent,
    requestBytes: 100,
    httpStatus: 200,
    chunked: false,
    action,
    nonceEchoed: true,
    latencyMs: 1.25,
    errors: [],
  });

  it('shows the exchanges, what the phone did at the end, and the follow-up indented', () => {
    const followUp: InteractionResult = {
      mac: '00:1A:E8:00:00:01',
      reason: 'start-up',
      ok: true,
      actions: ['CleanUp'],
      exchanges: [exchange(0, 'start-up', 'CleanUp')],
      aborted: false,
      steps: [{ exchange: 0, action: 'CleanUp', items: [], answer: 'interaction ended' }],
      endedBy: 'CleanUp',
    };
    const text = formatInteraction({
      mac: '00:1A:E8:00:00:01',
      reason: 'solicited',
      ok: true,
      actions: ['SoftwareDeployment'],
      exchanges: [exchange(0, 'solicited', 'SoftwareDeployment')],
      aborted: false,
      steps: [{ exchange: 0, action: 'SoftwareDeployment', items: [], answer: 'firmware V3 R5.14.0 installed, rebooting' }],
      endedBy: 'SoftwareDeployment',
      followUp,
    });
    expect(text.split('\n')).toEqual([
      '00:1A:E8:00:00:01 solicited: ok, actions SoftwareDeployment',
      '  #1 solicited → https://dls.test/DeploymentService/LoginService: HTTP 200, SoftwareDeployment, 1.3 ms',
      '  after SoftwareDeployment: firmware V3 R5.14.0 installed, rebooting',
      '  then 00:1A:E8:00:00:01 start-up: ok, actions CleanUp',
      '    #1 start-up → https://dls.test/DeploymentService/LoginService: HTTP 200, CleanUp, 1.3 ms',
      '    after CleanUp: interaction ended',
    ]);
  });
});
