import { itemsOf, outputsByNode, parseRawOutput, runErrorOf, runsByNode } from './harness';

/** What `n8n execute --rawOutput` prints for a failed run: logs, the run, then a message. */
const failedRunOutput = [
	'n8n Task Broker ready on 127.0.0.1, port 40197',
	'[license SDK] Skipping renewal on init: license cert is not initialized',
	'Execution was NOT successful. See log message for details.',
	JSON.stringify(
		{
			data: {
				resultData: {
					runData: {
						Start: [{ executionStatus: 'success', data: { main: [[{ json: {} }]] } }],
						Await: [
							{
								executionStatus: 'success',
								data: {
									main: [
										[{ json: { status: 'completed' }, pairedItem: { item: 0 } }],
										[{ json: { status: 'failed' }, pairedItem: { item: 1 } }],
									],
								},
							},
							{
								executionStatus: 'error',
								error: { message: 'The service refused the connection' },
							},
						],
					},
					lastNodeExecuted: 'Await',
					error: { message: 'The service refused the connection' },
				},
			},
			status: 'error',
		},
		null,
		2,
	),
	'The service refused the connection - perhaps it is offline',
	'',
].join('\n');

describe('reading runs', () => {
	it('finds the run between the log lines and the trailing message', () => {
		const run = parseRawOutput(failedRunOutput);

		expect(run?.status).toBe('error');
		expect(runErrorOf(run ?? {})?.message).toBe('The service refused the connection');
	});

	it('answers undefined when n8n printed no run', () => {
		expect(parseRawOutput('"--id" has to be set!\n')).toBeUndefined();
	});

	it('keeps every run of a node and each output of it', () => {
		const run = parseRawOutput(failedRunOutput) ?? {};

		const awaitRuns = runsByNode(run).Await;
		expect(awaitRuns).toHaveLength(2);
		expect(awaitRuns[0].outputs).toEqual([[{ status: 'completed' }], [{ status: 'failed' }]]);
		expect(awaitRuns[1]).toMatchObject({ status: 'error', outputs: [] });
		expect(outputsByNode(run).Start).toEqual([[{}]]);
	});

	it('reads an execution record of the public API the same way', () => {
		const execution = {
			id: '7',
			status: 'success',
			data: { resultData: { runData: { Invoke: [{ data: { main: [[{ json: { n: 1 } }]] } }] } } },
		};

		expect(itemsOf(execution, 'Invoke')).toEqual([{ n: 1 }]);
		expect(() => itemsOf(execution, 'Missing')).toThrow('nodes that ran: Invoke');
	});
});
